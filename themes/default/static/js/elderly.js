// Elderly-friendly mode (长者模式): the header button switches larger text, taller lines, stronger
// contrast, larger tap targets and no motion on or off, and local storage (no cookie) remembers
// it across pages. The class is set before the page paints by a line in <head>.
(function () {
  "use strict";
  var KEY = "parkpress.elderly";
  var root = document.documentElement;
  var button = document.getElementById("elderly-toggle");
  if (!button) return;
  function show(on) {
    root.classList.toggle("elderly", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  show(root.classList.contains("elderly"));
  button.hidden = false;
  button.addEventListener("click", function () {
    var on = !root.classList.contains("elderly");
    show(on);
    try {
      if (on) localStorage.setItem(KEY, "on");
      else localStorage.removeItem(KEY);
    } catch (e) {
      // Storage refused (private mode): the mode still applies to this page.
    }
  });
})();
