// Saves a quiz attempt as the learner answers: each change posts the whole form (with its CSRF token)
// to the attempt's autosave address, which checks and saves it exactly as the Save answers button does.
// Leaving the page warns only while a change has not reached the server. Without this script, the
// Save answers button works as before.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || !form.dataset.autosave || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("quiz-save-status");
  var problem = document.getElementById("quiz-save-problem");
  var unsaved = false;   // a change the server has not confirmed
  var stored = state();  // the answers as the server holds them
  var sending = false;
  var again = false;     // a change arrived while a save was on its way
  var closed = false;    // the server refused for good (time is up, submitted): stop posting
  var timer = null;

  // The page's words (attempt.html's #lms-messages, in its language); English if a template left them out.
  var words = {
    saving: "Saving…", saved: "Answers saved at %(time)s.", others_saved: "Other answers saved at %(time)s.",
    check: "One or more answers need checking: use Save answers to see which.", closed: "This attempt is closed.",
    not_saved: "Your latest answers could not be saved. Reload the page, or use Save answers.",
    offline: "Your latest answers could not reach the server: this browser seems to be offline. Keep this page " +
      "open; they are saved when the connection returns.",
    ready: "Your answers are saved as you change them."
  };
  var given = document.getElementById("lms-messages");
  if (given) { try { var read = JSON.parse(given.textContent); Object.keys(read).forEach(function (k) { words[k] = read[k]; }); } catch (e) { /* keep English */ } }
  function say(text) { if (status) { status.textContent = text; } }
  function warn(text) { if (problem) { problem.textContent = text; } }
  function clock() {
    var now = new Date();
    return ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }

  function state() {
    var data = new FormData(form);
    data.delete("action");
    return new URLSearchParams(data).toString();
  }

  function save() {
    timer = null;
    if (closed || !unsaved) { return; }
    if (sending) { again = true; return; }
    sending = true;
    again = false;
    var sent = state();
    var data = new FormData(form);
    data.delete("action");
    window.fetch(form.dataset.autosave, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; },
        function () { return { ok: false, status: response.status, body: {} }; });
    }).then(function (answer) {
      if (answer.ok && answer.body.saved) {
        var mistakes = Object.keys(answer.body.mistakes || {}).length;
        warn(mistakes ? words.check : "");
        if (!mistakes) { stored = sent; }
        unsaved = state() !== stored;
        if (mistakes) { say(words.others_saved.replace("%(time)s", clock())); } else if (!unsaved) { say(words.saved.replace("%(time)s", clock())); }
      } else if (answer.status === 409) {
        closed = true;
        unsaved = false;
        warn(answer.body.message || words.closed);
      } else {
        unsaved = true;
        warn(answer.body.message || words.not_saved);
      }
    }, function () {
      unsaved = true;
      warn(words.offline);
    }).then(function () {
      sending = false;
      if (again && !closed && unsaved) { save(); }
    });
  }

  function changed(event) {
    if (closed) { return; }
    unsaved = state() !== stored;
    if (!unsaved) { return; }
    say(words.saving);
    if (timer) { window.clearTimeout(timer); }
    var typing = event.type === "input" && event.target.type !== "radio" && event.target.type !== "checkbox";
    timer = window.setTimeout(save, typing ? 800 : 0);  // typed answers wait for a pause
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { unsaved = false; closed = true; });  // the form itself posts the answers
  window.addEventListener("online", function () { if (unsaved) { warn(""); save(); } });
  window.addEventListener("beforeunload", function (event) {
    if (!unsaved) { return undefined; }
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to ask
    return "";
  });
  say(words.ready);
}());
