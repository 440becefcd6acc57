// The moderators' queue from the keyboard: j/k move, a approve, r reject,
// f feature, b b ban the author, x select, u or z undo, . load new items,
// ? help. A Latin layout's letters are the keys; on any other layout a key
// counts by its place (`event.code`), so "ق" is r on an Arabic layout.
// Every decision goes through the API with the session's CSRF token and
// can be undone from the toast; without this file the buttons post plain
// forms.
(function () {
  "use strict";
  var root = document.querySelector(".mod[data-queue]");
  if (!root) return;
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var queue = root.getAttribute("data-queue");
  var toast = root.querySelector(".mod-toast");
  var toastText = toast.querySelector(".mod-toast-text");
  var undoButton = toast.querySelector(".mod-undo");
  var help = document.getElementById("mod-keys");
  var fresh = root.querySelector(".mod-fresh");
  var lang = document.documentElement.lang;
  var current = null;
  var banArmed = null;
  var toastTimer = null;
  // Decisions that may still be undone, the last on top.
  var undoable = [];
  // Items taken out ahead of the server's answer.
  var inFlight = 0;
  // Comments decided here: their live events are this page's own, and
  // may arrive after an undo has put them back.
  var decidedHere = {};

  var KEYS = {
    KeyJ: "next", KeyK: "previous", KeyA: "approve", KeyR: "reject", KeyF: "feature",
    KeyB: "ban", KeyX: "select", KeyU: "undo", KeyZ: "undo", Period: "load"
  };

  function items() { return Array.prototype.slice.call(root.querySelectorAll(".mod-item")); }
  function list() { return root.querySelector(".mod-list"); }
  function text(name) { return toast.getAttribute("data-" + name) || ""; }
  function named(template, item, attribute) {
    return template.replace("{name}", item ? item.getAttribute(attribute || "data-name") : "");
  }

  // Words in the toast for about ten seconds; an Undo button when the
  // decision can be taken back.
  function say(message, offerUndo) {
    clearTimeout(toastTimer);
    toastText.textContent = message;
    undoButton.hidden = !offerUndo;
    toast.classList.toggle("shown", !!message);
    if (message) toastTimer = setTimeout(function () { say(""); }, 10000);
  }

  function focus(item) {
    if (current) current.classList.remove("current");
    current = item || null;
    if (!current) return;
    current.classList.add("current");
    current.focus({ preventScroll: true });
    current.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = items();
    if (!all.length) return;
    var at = all.indexOf(current);
    focus(all[Math.min(all.length - 1, Math.max(0, at + step))] || all[0]);
  }

  function setCount(name, n) {
    var badge = root.querySelector('[data-queue-tab="' + name + '"] .mod-count');
    if (!badge) return;
    n = Math.max(0, n);
    badge.setAttribute("data-count", n);
    badge.textContent = n.toLocaleString(lang);
  }

  function adjustCount(name, delta) {
    var badge = root.querySelector('[data-queue-tab="' + name + '"] .mod-count');
    if (badge) setCount(name, parseInt(badge.getAttribute("data-count"), 10) + delta);
  }

  // Where an item stood, to put it back there on undo or failure.
  function place(item) {
    var before = item.nextElementSibling;
    var after = item.previousElementSibling;
    return { item: item, before: before && before.id, after: after && after.id };
  }

  // The queue says it is empty once the server has taken every decision.
  function showEmpty() {
    if (items().length || inFlight || root.querySelector(".mod-empty")) return;
    var empty = document.createElement("p");
    empty.className = "empty mod-empty";
    empty.textContent = root.getAttribute("data-empty") || "";
    list().after(empty);
    var bulk = root.querySelector(".mod-bulk");
    if (bulk) bulk.hidden = true;
  }

  // Items leave the queue at once; the next one takes the focus.
  function leave(taken) {
    var places = taken.map(place);
    var all = items();
    var last = taken[taken.length - 1];
    var next = all.slice(all.indexOf(last) + 1).filter(function (i) { return taken.indexOf(i) < 0; })[0] ||
      all.slice(0, all.indexOf(taken[0])).reverse().filter(function (i) { return taken.indexOf(i) < 0; })[0];
    taken.forEach(function (item) {
      var box = item.querySelector("input[type=checkbox]");
      if (box) box.checked = false;
      item.classList.remove("current");
      item.remove();
    });
    adjustCount(queue, -taken.length);
    if (taken.indexOf(current) >= 0 || !current) focus(next);
    return places;
  }

  // Puts items back where they stood and focuses the first of them.
  function restore(places) {
    var ol = list();
    if (!ol) return;
    places.slice().reverse().forEach(function (spot) {
      var before = spot.before && document.getElementById(spot.before);
      var after = spot.after && document.getElementById(spot.after);
      if (before && before.parentNode === ol) ol.insertBefore(spot.item, before);
      else if (after && after.parentNode === ol) after.after(spot.item);
      else ol.appendChild(spot.item);
    });
    adjustCount(queue, places.length);
    var empty = root.querySelector(".mod-empty");
    if (empty) empty.remove();
    var bulk = root.querySelector(".mod-bulk");
    if (bulk) bulk.hidden = false;
    focus(places[0].item);
  }

  function call(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(body)
    }).then(function (answer) {
      return answer.json().catch(function () { return {}; }).then(function (json) {
        if (answer.ok) return json;
        var error = json.error || json;
        // Known refusals in the moderator's language, others as the server says.
        throw new Error(text("refused-" + error.code) || error.message || text("failed"));
      });
    });
  }

  function selected() {
    return items().filter(function (item) {
      var box = item.querySelector("input[type=checkbox]");
      return box && box.checked;
    });
  }

  // Which queue a decision sends an item to, for its tab's count.
  function destination(action) {
    return { approve: "approved", reject: "rejected", feature: "approved", ban: "rejected" }[action];
  }

  // The server's answer: refused items come back, the rest are done.
  function finished(record, taken, answer) {
    inFlight -= record.places.length;
    var back = record.places.filter(function (spot) {
      return answer.refused.indexOf(Number(spot.item.getAttribute("data-id"))) >= 0;
    });
    if (back.length) restore(back);
    record.places = record.places.filter(function (spot) { return back.indexOf(spot) < 0; });
    var done = taken.length - back.length;
    var to = destination(record.action);
    if (to && to !== queue) adjustCount(to, record.places.length);
    showEmpty();
    refreshCounts();
    if (!done) {
      forget(record);
      say(text("failed"));
      return [];
    }
    // Answers may come out of order; the toast tells of the latest.
    if (undoable[undoable.length - 1] !== record) return answer.ids;
    say(taken.length === 1 ? named(text("done-" + record.action), taken[0])
      : text("done-bulk-" + record.action).replace("{count}", done.toLocaleString(lang)),
      answer.ids.length > 0);
    return answer.ids;
  }

  // A decision that did not happen leaves nothing to undo.
  function forget(record) {
    var at = undoable.indexOf(record);
    if (at >= 0) undoable.splice(at, 1);
  }

  // A decision is on the undo stack from the key press, so that a quick
  // u or z takes back this one, not the one before.
  function track(record, request, taken) {
    undoable.push(record);
    inFlight += record.places.length;
    record.ready = request
      .then(function (answer) { return finished(record, taken, answer); })
      .catch(function (error) {
        inFlight -= record.places.length;
        forget(record);
        if (record.places.length) restore(record.places);
        say(error.message || text("failed"));
        return [];
      });
    showEmpty();
  }

  function decide(taken, action) {
    taken = taken.filter(function (item) { return item; });
    if (!taken.length) return;
    // A featured item stays in the approved queue.
    var stays = action === "feature" && queue === "approved";
    var ids = taken.map(function (item) { return Number(item.getAttribute("data-id")); });
    var places = stays ? [] : leave(taken);
    ids.forEach(function (id) { decidedHere[id] = true; });
    var request = ids.length === 1
      ? call("/api/v1/moderation/comments/" + ids[0], { action: action }).then(function (answer) {
        return { ids: answer.decision_id ? [answer.decision_id] : [], refused: [] };
      })
      : call("/api/v1/moderation/comments", { comment_ids: ids, action: action }).then(function (answer) {
        return {
          ids: answer.decision_ids || [],
          refused: (answer.refused || []).map(function (r) { return r.comment_id; })
        };
      });
    track({ places: places, items: taken, action: action }, request, taken);
  }

  // Banning asks for the key twice: it reaches every comment of the reader.
  function ban(item) {
    if (!item) return;
    var author = item.getAttribute("data-author");
    if (banArmed !== author) {
      banArmed = author;
      say(named(text("ban-confirm"), item, "data-username"));
      setTimeout(function () { if (banArmed === author) banArmed = null; }, 4000);
      return;
    }
    banArmed = null;
    var theirs = items().filter(function (i) { return i.getAttribute("data-author") === author; });
    theirs.forEach(function (i) { decidedHere[i.getAttribute("data-id")] = true; });
    var request = call("/api/v1/moderation/users/" + author, { action: "ban", reject_comments: true })
      .then(function (answer) {
        return { ids: answer.decision_ids || (answer.decision_id ? [answer.decision_id] : []), refused: [] };
      });
    track({ places: leave(theirs), items: theirs, action: "ban" }, request, [item]);
  }

  // Takes back the last decision: the server restores the comment's
  // previous state, the page puts its item back in place.
  function undo() {
    var last = undoable.pop();
    if (!last) return;
    last.ready.then(function (ids) {
      if (!ids.length) return;
      call("/api/v1/moderation/undo", { decisions: ids })
        .then(function (answer) {
          // Some of a bulk decision may be refused: a comment's decision
          // is at its item's place in the list (a ban's covers them all).
          var undone = answer.undone || [];
          var back = last.action === "ban" ? (undone.length ? last.places : [])
            : last.places.filter(function (spot, i) { return undone.indexOf(ids[i]) >= 0; });
          if (back.length) restore(back);
          var to = destination(last.action);
          if (to && to !== queue) adjustCount(to, -back.length);
          var refused = answer.refused || [];
          if (refused.length) say(text("refused-" + refused[0].code) || text("failed"));
          else say(last.items.length === 1 ? named(text("undone"), last.items[0]) : text("undone-bulk"));
          refreshCounts();
        })
        .catch(function (error) { say(error.message || text("failed")); });
    });
  }

  function toggleSelected(item) {
    if (!item) return;
    var box = item.querySelector("input[type=checkbox]");
    if (box) box.checked = !box.checked;
  }

  // The selection when there is one, else the current item.
  function targets() {
    var chosen = selected();
    return chosen.length ? chosen : [current];
  }

  function load() {
    if (fresh.hidden) return;
    window.location.href = fresh.querySelector("a").href;
  }

  // The server's counts for the tabs, after any change here or elsewhere;
  // more waiting than shown offers to load them.
  var refreshTimer = null;
  var refreshes = 0;
  function refreshCounts() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      // Only the newest answer counts; decisions still on their way are
      // not in the server's count of this queue yet, so they come off it.
      var asked = ++refreshes;
      var query = new URLSearchParams(window.location.search);
      query.delete("page");
      query.set("queue", queue);
      query.set("per_page", "1");
      fetch("/api/v1/moderation/queue?" + query, { credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (answer) {
          if (!answer || !answer.counts || asked !== refreshes) return;
          Object.keys(answer.counts).forEach(function (name) {
            setCount(name, answer.counts[name] - (name === queue ? inFlight : 0));
          });
          var waiting = answer.counts[queue] - inFlight;
          if (waiting > items().length && !root.querySelector(".pager a[rel=next]")) fresh.hidden = false;
        })
        .catch(function () {});
    }, 250);
  }

  // Letters typed on a Latin layout keep their meaning (AZERTY, Dvorak);
  // other layouts' keys count by their place on a US keyboard, and "?" is
  // Shift and the slash key there ("؟" on an Arabic layout).
  function commandOf(event) {
    var key = (event.key || "").toLowerCase();
    if (/^[a-z]$/.test(key)) return KEYS["Key" + key.toUpperCase()];
    if (key === "?" || (event.code === "Slash" && event.shiftKey)) return "help";
    if (key === "escape") return "close";
    if (key === ".") return "load";
    return KEYS[event.code];
  }

  function typing(target) {
    if (!target || !target.tagName) return false;
    if (target.isContentEditable) return true;
    if (target.tagName === "INPUT") return !/^(checkbox|radio|button|submit|reset)$/.test(target.type);
    return /^(TEXTAREA|SELECT)$/.test(target.tagName);
  }

  root.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest(".mod-undo")) { undo(); return; }
    var bulk = event.target.closest(".mod-bulk button[name=action]");
    if (bulk) {
      event.preventDefault();
      decide(selected(), bulk.value);
      return;
    }
    var button = event.target.closest("button[data-action]");
    if (!button) return;
    event.preventDefault();
    var item = button.closest(".mod-item");
    focus(item);
    decide([item], button.getAttribute("data-action"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (typing(event.target)) return;
    var command = commandOf(event);
    if (!command) return;
    // A held key moves, but never decides twice.
    if (event.repeat && command !== "next" && command !== "previous") { event.preventDefault(); return; }
    switch (command) {
      case "next": move(1); break;
      case "previous": move(-1); break;
      case "approve": case "reject": case "feature": decide(targets(), command); break;
      case "ban": ban(current); break;
      case "select": toggleSelected(current); break;
      case "undo": undo(); break;
      case "load": load(); break;
      case "help": help.hidden = !help.hidden; break;
      case "close": help.hidden = true; break;
    }
    event.preventDefault();
  });

  // Another moderator's decision takes the item away here too; anything
  // else (a new or restored comment) updates the counts and offers to
  // load what arrived, never pushing items under the moderator's keys.
  if (window.EventSource) {
    var live = new EventSource(root.getAttribute("data-live"));
    // The stream does not replay what it missed: on (re)connecting, the
    // counts are fetched again.
    live.onopen = function () {
      root.setAttribute("data-listening", "");
      refreshCounts();
    };
    live.onmessage = function (message) {
      var update;
      try { update = JSON.parse(message.data); } catch (e) { return; }
      var item = document.getElementById("item-" + update.comment_id);
      var removes = update.kind === "comment.moderated" &&
        ["approve", "reject", "feature", "redact"].indexOf(update.action) >= 0;
      if (removes && item && !decidedHere[update.comment_id] &&
        !(update.action === "feature" && queue === "approved")) {
        leave([item]);
        showEmpty();
      }
      refreshCounts();
    };
  }

  focus(items()[0]);
})();
