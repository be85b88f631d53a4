"""Pure computation for the Atlas de l'insertion (no dash, plotly or folium imports)."""
