/* Presentation mode keys: ← / → step through territories, Escape leaves; entering asks
   the browser for full screen. Works offline (plain DOM, no library). */
(function () {
  function inPresentation() {
    return document.querySelector(".app.presentation") !== null;
  }
  function press(id) {
    var el = document.getElementById(id);
    if (el) { el.click(); }
  }
  document.addEventListener("keydown", function (event) {
    if (!inPresentation()) { return; }
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    if (event.key === "ArrowRight" || event.key === "PageDown") {
      press("pres-next"); event.preventDefault();
    } else if (event.key === "ArrowLeft" || event.key === "PageUp") {
      press("pres-prev"); event.preventDefault();
    } else if (event.key === "Escape") {
      press("pres-exit");
      if (document.fullscreenElement && document.exitFullscreen) { document.exitFullscreen(); }
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.id === "present" && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () { /* not allowed: fine */ });
    }
    if (target && target.id === "pres-exit" && document.fullscreenElement) {
      document.exitFullscreen();
    }
  });
})();
