// The editor: "Line N" links select that line in the textarea (without script they jump to it), and
// the preview follows the text as the author types. The preview is the page the Preview button asks
// for (the same route and the same validator as publishing), fetched 400 ms after the last key
// press, its preview section swapped in; without script the Preview button still does it.
(function () {
  "use strict";
  var source = document.getElementById("text");
  if (!source) { return; }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.goto-line") : null;
    if (!link) { return; }
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

  var form = source.form;
  var section = document.querySelector("section.preview");
  if (!form || !section || !window.fetch || !window.DOMParser) { return; }
  var DELAY = 400;
  var timer = null;
  var sent = 0;
  var controller = null;

  // This page's Content-Security-Policy lets frames load only from the video hosts it was loaded
  // with; a video from another host, typed since, is shown as a placeholder until Preview reloads it.
  var allowed = (section.getAttribute("data-frame-origins") || "").split(" ").filter(Boolean);
  // The page's words (editor.html's #lms-messages, in its language); English if a template left them out.
  var videoNote = "Video: %(title)s. Press Preview to play it here (the page must be reloaded to allow its host).";
  var given = document.getElementById("lms-messages");
  if (given) { try { videoNote = JSON.parse(given.textContent).video || videoNote; } catch (e) { /* keep English */ } }

  function holdBackFrames(fresh) {
    var frames = fresh.querySelectorAll("iframe");
    for (var i = 0; i < frames.length; i++) {
      var origin = "";
      try { origin = new URL(frames[i].getAttribute("src") || "", window.location.href).origin; } catch (e) { origin = ""; }
      if (allowed.indexOf(origin) !== -1) { continue; }
      var note = fresh.ownerDocument.createElement("p");
      note.className = "video-placeholder";
      note.textContent = videoNote.replace("%(title)s", frames[i].getAttribute("title") || "");
      frames[i].parentNode.replaceChild(note, frames[i]);
    }
  }

  function refresh() {
    var data = new FormData(form);
    data.append("preview", "Preview");
    var number = ++sent;
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    section.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-Requested-With": "fetch"}, signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null || number !== sent) { return; }  // a newer request is on its way
      var page = new DOMParser().parseFromString(html, "text/html");
      var fresh = page.querySelector("section.preview");
      if (!fresh) { return; }
      holdBackFrames(fresh);
      section.innerHTML = fresh.innerHTML;
      source.setAttribute("aria-describedby", document.getElementById("file-errors") ? "file-errors" : "text-hint");
    }).catch(function () { /* offline or aborted: the Preview button still works */ })
      .then(function () { if (number === sent) { section.removeAttribute("aria-busy"); } });
  }

  source.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY);
  });
})();
