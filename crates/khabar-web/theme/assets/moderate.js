// The moderators' queue from the keyboard: j/k move, a approve, r reject,
// f feature, b b ban the author, x select, ? help. Every decision goes
// through the API with the session's CSRF token; without this file the
// buttons post plain forms.
(function () {
  "use strict";
  var root = document.querySelector(".mod[data-queue]");
  if (!root) return;
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var status = root.querySelector(".mod-status");
  var help = document.getElementById("mod-keys");
  var current = null;
  var banArmed = null;

  function items() { return Array.prototype.slice.call(root.querySelectorAll(".mod-item")); }
  function say(text) { status.textContent = text; }

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

  function adjustCount(queue, delta) {
    var badge = root.querySelector('[data-queue-tab="' + queue + '"] .mod-count');
    if (!badge) return;
    var n = Math.max(0, parseInt(badge.getAttribute("data-count"), 10) + delta);
    badge.setAttribute("data-count", n);
    badge.textContent = n.toLocaleString(document.documentElement.lang);
  }

  // The item leaves the queue; the next one takes the focus.
  function leave(item) {
    var all = items();
    var next = all[all.indexOf(item) + 1] || all[all.indexOf(item) - 1];
    item.remove();
    adjustCount(root.getAttribute("data-queue"), -1);
    focus(next);
    if (!items().length) {
      var empty = document.createElement("p");
      empty.className = "empty mod-empty";
      empty.textContent = root.getAttribute("data-empty") || "";
      root.querySelector(".mod-list").replaceWith(empty);
      var bulk = root.querySelector(".mod-bulk");
      if (bulk) bulk.hidden = true;
    }
  }

  function call(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(body)
    }).then(function (answer) {
      if (!answer.ok) throw new Error(String(answer.status));
      return answer.json();
    });
  }

  function decide(item, action) {
    if (!item || item.getAttribute("data-busy")) return;
    item.setAttribute("data-busy", "1");
    call("/api/v1/moderation/comments/" + item.getAttribute("data-id"), { action: action })
      .then(function () {
        var stays = action === "feature" && root.getAttribute("data-queue") === "approved";
        item.removeAttribute("data-busy");
        if (action === "approve") adjustCount("approved", 1);
        if (action === "reject") adjustCount("rejected", 1);
        if (!stays) leave(item);
      })
      .catch(function () {
        item.removeAttribute("data-busy");
        say(status.getAttribute("data-failed"));
      });
  }

  // Banning asks for the key twice: it reaches every comment of the reader.
  function ban(item) {
    if (!item) return;
    var author = item.getAttribute("data-author");
    if (banArmed !== author) {
      banArmed = author;
      say(status.getAttribute("data-ban-confirm").replace("{name}", item.getAttribute("data-username")));
      setTimeout(function () { if (banArmed === author) { banArmed = null; say(""); } }, 4000);
      return;
    }
    banArmed = null;
    call("/api/v1/moderation/users/" + author, { action: "ban", reject_comments: true })
      .then(function () {
        say("");
        items().filter(function (i) { return i.getAttribute("data-author") === author; }).forEach(leave);
      })
      .catch(function () { say(status.getAttribute("data-failed")); });
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-action]");
    if (!button) return;
    event.preventDefault();
    var item = button.closest(".mod-item");
    focus(item);
    decide(item, button.getAttribute("data-action"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && target.type !== "checkbox") return;
    var handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": decide(current, "approve"); break;
      case "r": decide(current, "reject"); break;
      case "f": decide(current, "feature"); break;
      case "b": ban(current); break;
      case "x":
        if (current) { var box = current.querySelector("input[type=checkbox]"); box.checked = !box.checked; }
        break;
      case "?": help.hidden = !help.hidden; break;
      case "Escape": help.hidden = true; break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  // Another moderator's decision takes the item away here too; new
  // comments are announced, not pushed under the moderator's keys.
  if (window.EventSource) {
    var fresh = root.querySelector(".mod-fresh");
    var live = new EventSource(root.getAttribute("data-live"));
    live.onmessage = function (message) {
      var update;
      try { update = JSON.parse(message.data); } catch (e) { return; }
      var item = document.getElementById("item-" + update.comment_id);
      if (update.kind === "comment.moderated" && item && !item.getAttribute("data-busy")) {
        leave(item);
      } else if (update.kind === "comment.created" && !item) {
        fresh.hidden = false;
      }
    };
  }

  focus(items()[0]);
})();
