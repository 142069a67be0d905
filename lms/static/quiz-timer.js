// Counts down the time left in a quiz attempt. The page already says the time as text; this only
// keeps it current, and announces the last minutes politely to screen readers.
(function () {
  "use strict";
  var timer = document.getElementById("quiz-timer");
  var status = document.getElementById("quiz-timer-status");
  if (!timer || !timer.dataset.deadline) { return; }
  var value = timer.querySelector(".timer-value");
  var deadline = Date.parse(timer.dataset.deadline);
  var announced = {};
  var thresholds = [10, 5, 1];
  var atLoad = (deadline - Date.now()) / 1000;
  thresholds.forEach(function (minutes) { announced[minutes] = atLoad <= minutes * 60; });  // only crossings speak

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (value) {
      value.textContent = left >= 60 ? plural(Math.ceil(left / 60), "minute") : plural(left, "second");
    }
    thresholds.forEach(function (minutes) {
      if (left <= minutes * 60 && left > 0 && !announced[minutes]) {
        announced[minutes] = true;
        if (status) { status.textContent = plural(minutes, "minute") + " left. Save your answers."; }
      }
    });
    if (left === 0) {
      if (status) { status.textContent = "Time is up. Submit to record the answers you saved in time."; }
      return;
    }
    window.setTimeout(tick, 1000);
  }

  tick();
}());
