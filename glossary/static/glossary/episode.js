/* Episode page: `#t=754` opens the transcript at second 754 and seeks the
   audio player there. Served as a static file: the pages' Content-Security-
   Policy allows scripts from 'self' only, never inline. Without JavaScript
   the anchors still work for turns starting at that exact second. */
(function () {
  "use strict";

  var turns = Array.prototype.slice.call(document.querySelectorAll(".turn[data-start]"));
  var audio = document.querySelector("audio[data-episode-audio]");
  var current = null;

  function secondsFrom(hash) {
    var match = /^#t=(\d+(?:\.\d+)?)$/.exec(hash || "");
    return match ? parseFloat(match[1]) : null;
  }

  /* The turn being said at `seconds`: the last one starting at or before it. */
  function turnAt(seconds) {
    var found = turns.length ? turns[0] : null;
    for (var i = 0; i < turns.length; i++) {
      if (parseFloat(turns[i].getAttribute("data-start")) <= seconds) {
        found = turns[i];
      } else {
        break;
      }
    }
    return found;
  }

  function mark(turn) {
    if (current) {
      current.classList.remove("is-current");
    }
    current = turn;
    if (turn) {
      turn.classList.add("is-current");
    }
  }

  function seek(seconds, play) {
    if (!audio) {
      return;
    }
    function apply() {
      audio.currentTime = seconds;
      audio.setAttribute("data-seeked-to", String(seconds));
      if (play) {
        var started = audio.play();
        if (started && started.catch) {
          started.catch(function () {
            /* Autoplay refused: the player waits at the right time. */
          });
        }
      }
    }
    if (audio.readyState >= 1) {
      apply();
    } else {
      audio.addEventListener("loadedmetadata", apply, { once: true });
      if (audio.preload === "none") {
        audio.preload = "metadata";
        audio.load();
      }
    }
  }

  function open(play) {
    var seconds = secondsFrom(window.location.hash);
    if (seconds === null) {
      return;
    }
    var turn = turnAt(seconds);
    if (turn) {
      mark(turn);
      turn.scrollIntoView({ block: "start", behavior: "instant" });
      turn.focus({ preventScroll: true });
    }
    seek(seconds, play);
  }

  /* While the audio plays, follow it in the transcript (no scrolling). */
  if (audio) {
    audio.addEventListener("timeupdate", function () {
      var turn = turnAt(audio.currentTime);
      if (turn !== current && !audio.paused) {
        mark(turn);
      }
    });
  }

  window.addEventListener("hashchange", function () {
    open(true);
  });
  open(true);
})();
