// The editor's "Line N" links select that line in the textarea (without script they jump to it).
(function () {
  "use strict";
  var source = document.getElementById("text");
  if (!source) { return; }
  document.querySelectorAll("a.goto-line").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var wanted = Math.max(1, parseInt(link.getAttribute("data-line"), 10) || 1);
      var lines = source.value.split("\n");
      var line = Math.min(wanted, lines.length);
      var start = 0;
      for (var i = 0; i < line - 1; i++) { start += lines[i].length + 1; }
      event.preventDefault();
      // A collapsed caret first, so that focusing scrolls the line into view; then select the line.
      source.blur();
      source.setSelectionRange(start, start);
      source.focus();
      source.setSelectionRange(start, start + lines[line - 1].length);
    });
  });
})();
