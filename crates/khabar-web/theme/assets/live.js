// Live comments: new, edited and removed comments appear on the open page.
// The page works without this file; it only saves a reload.
(function () {
  "use strict";
  var section = document.querySelector("[data-live]");
  if (!section || !window.EventSource) return;
  var list = section.querySelector(".comment-list");
  var source = new EventSource(section.getAttribute("data-live"));
  // A reply or mention may be for this reader: refresh the bell's count.
  var bell = document.querySelector(".bell[data-label]");
  function refreshBell() {
    if (!bell) return;
    fetch("/api/v1/notifications", { credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (body) {
        if (!body) return;
        var label = bell.getAttribute("data-label");
        bell.textContent = body.unread ? label + " (" + body.unread + ")" : label;
      })
      .catch(function () {});
  }

  // Posting without a reload: the form goes by fetch, and the comment
  // arrives through the live stream like everyone else's. Any refusal
  // falls back to the plain form so the server's message is shown.
  section.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.comment-form") || !/\/comments$/.test(form.action)) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin"
    }).then(function (answer) {
      if (!answer.ok) { form.submit(); return; }
      form.reset();
      var details = form.closest("details");
      if (details) details.open = false;
    }).catch(function () { form.submit(); })
      .then(function () { if (button) button.disabled = false; });
  });

  source.onmessage = function (message) {
    var update;
    try { update = JSON.parse(message.data); } catch (e) { return; }
    var existing = document.getElementById("comment-" + update.comment_id);
    if (update.kind === "comment.removed") {
      // Taken off by moderation; its author keeps seeing it after a reload.
      if (existing && !existing.hasAttribute("data-mine")) existing.remove();
      return;
    }
    var template = document.createElement("template");
    template.innerHTML = update.html.trim();
    var fresh = template.content.firstElementChild;
    if (!fresh) return;
    refreshBell();
    if (existing) {
      existing.replaceWith(fresh);
      return;
    }
    var item = document.createElement("li");
    item.className = update.parent_id ? "" : "comment-thread";
    item.appendChild(fresh);
    var root = update.parent_id && document.getElementById("comment-" + update.root_id);
    if (root) {
      var replies = root.parentElement.querySelector(".comment-replies");
      if (!replies) {
        replies = document.createElement("ol");
        replies.className = "comment-replies";
        root.parentElement.appendChild(replies);
      }
      replies.appendChild(item);
    } else if (list) {
      list.appendChild(item);
    }
  };
})();
