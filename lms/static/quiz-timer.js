// Counts down the time left in a quiz attempt. The page already says the time as text; this keeps it
// current, announces 5 and 1 minutes left politely to screen readers (not every second), and at
// time-up submits the attempt. The server decides what counts: answers that reached it before the
// deadline (quiz-autosave.js sends each change) are graded.
(function () {
  "use strict";
  var timer = document.getElementById("quiz-timer");
  var status = document.getElementById("quiz-timer-status");
  if (!timer || !timer.dataset.deadline) { return; }
  var value = timer.querySelector(".timer-value");
  var form = document.getElementById("quiz-form");
  // The server's count of seconds left, so a wrong clock on this computer does not move the deadline;
  // the page submits itself two seconds early, so the answers it carries reach the server in time.
  var secondsLeft = parseInt(timer.dataset.secondsLeft, 10);
  var deadline = (isNaN(secondsLeft) ? Date.parse(timer.dataset.deadline) : Date.now() + secondsLeft * 1000) - 2000;
  var announced = {};
  var thresholds = [5, 1];
  var atLoad = (deadline - Date.now()) / 1000;
  thresholds.forEach(function (minutes) { announced[minutes] = atLoad <= minutes * 60; });  // only crossings speak

  // The page's words (attempt.html's #lms-messages, in its language); English if a template left them out.
  var words = {
    minute: ["%(num)d minute", "%(num)d minutes"], second: ["%(num)d second", "%(num)d seconds"],
    left: "%(time)s left. Your attempt is submitted automatically when time is up.",
    time_up: "Time is up. Submitting your attempt.",
    offline_time_up: "Time is up, but this browser is offline. Answers that reached the server before the deadline " +
      "will be graded; changes made while offline could not be saved. The attempt is submitted when the " +
      "connection returns."
  };
  var given = document.getElementById("lms-messages");
  if (given) { try { var read = JSON.parse(given.textContent); Object.keys(read).forEach(function (k) { words[k] = read[k]; }); } catch (e) { /* keep English */ } }
  var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;
  function plural(n, word) {
    var forms = words[word];
    var one = rules ? rules.select(n) === "one" : n === 1;
    return forms[one ? 0 : 1].replace("%(num)d", String(n));
  }
  function tell(text) { if (status) { status.textContent = text; } }

  function submit() {
    if (!form) { return; }
    if (navigator.onLine === false) {
      tell("");
      var problem = document.getElementById("quiz-save-problem");
      var text = words.offline_time_up;
      if (problem) { problem.textContent = text; } else { tell(text); }
      window.addEventListener("online", submit, { once: true });
      return;
    }
    var button = form.querySelector('button[name="action"][value="submit"]');
    if (form.requestSubmit) { form.requestSubmit(button); } else if (button) { button.click(); }
  }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (value) {
      value.textContent = left >= 60 ? plural(Math.ceil(left / 60), "minute") : plural(left, "second");
    }
    thresholds.forEach(function (minutes) {
      if (left <= minutes * 60 && left > 0 && !announced[minutes]) {
        announced[minutes] = true;
        tell(words.left.replace("%(time)s", plural(minutes, "minute")));
      }
    });
    if (left === 0) {
      tell(words.time_up);
      submit();
      return;
    }
    window.setTimeout(tick, 1000);
  }

  tick();
}());
