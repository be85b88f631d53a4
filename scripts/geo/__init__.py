"""The geodata builder behind ``scripts/build_geo.py``, one step per module: the registry
packages (``sources``, ``registry``), commune polygons (``geometry``, ``polygons``), dissolved
EPCI (``dissolve``), one département (``department``) and the GeoPackage (``writing``)."""
