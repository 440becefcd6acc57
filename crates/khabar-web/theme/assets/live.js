// Live comments: new, edited and removed comments appear on the open page,
// and comments post without a reload. The page works without this file.
//
// A browser allows six HTTP/1.1 connections per host, so the pages of one
// browser share one event stream. The tab holding the "khabar-live" Web
// Lock opens /live?editions=… for every page that announced its edition on
// the "khabar-live" BroadcastChannel and relays each event to them. Where
// either API is missing, each visible page opens its own stream. Hidden and
// left pages let go (so the back-forward cache can keep them) and resume
// after the last event they applied: no gap, no duplicate.
(function () {
  "use strict";
  var section = document.querySelector("[data-live]");
  if (!section) return;
  var NAME = "khabar-live";
  var MAX_EDITIONS = 64;
  var lang = section.getAttribute("data-live").split("/")[1];
  var list = section.querySelector(".comment-list");
  var heading = document.getElementById("comments-heading");
  var bell = document.querySelector(".bell[data-label]");
  // A signed-in reader's pages carry a CSRF token; they show each comment
  // as the server renders it for this reader (with its buttons).
  var signedIn = !!section.querySelector("input[name=csrf_token]");
  var edition = Number(section.getAttribute("data-edition")) || null;

  // --- Showing comments -------------------------------------------------

  // A reply or mention may be for this reader: refresh the bell's count.
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

  // Puts a comment's HTML in place: over its older self, else in its
  // parent's replies, else at the end of the list.
  function place(html, parentId) {
    var template = document.createElement("template");
    template.innerHTML = (html || "").trim();
    var fresh = template.content.firstElementChild;
    if (!fresh) return;
    var existing = fresh.id && document.getElementById(fresh.id);
    if (existing) {
      existing.replaceWith(fresh);
      return;
    }
    var item = document.createElement("li");
    item.appendChild(fresh);
    var parent = parentId && document.getElementById("comment-" + parentId);
    var thread = parent && parent.closest("li.comment-thread");
    if (thread) {
      var replies = thread.querySelector(".comment-replies");
      if (!replies) {
        replies = document.createElement("ol");
        replies.className = "comment-replies";
        thread.appendChild(replies);
      }
      replies.appendChild(item);
    } else if (list) {
      item.className = "comment-thread";
      list.appendChild(item);
    }
  }

  // The comment as this reader would see it after a reload: anonymous
  // pages take the broadcast HTML; "" when the reader may not see it.
  function rendered(update) {
    if (!signedIn || update.kind === "comment.removed") return Promise.resolve(update.html);
    var url = "/" + lang + "/comments/" + update.comment_id + "/fragment";
    return fetch(url, { credentials: "same-origin" }).then(function (answer) {
      if (answer.status === 404) return "";
      return answer.ok ? answer.text() : update.html;
    }, function () { return update.html; });
  }

  // Updates apply one after another, in the log's order, though fetching
  // a fragment takes its time.
  var applying = Promise.resolve();
  function apply(update) {
    applying = applying
      .then(function () { return rendered(update); })
      .then(function (html) {
        if (update.heading && heading) heading.textContent = update.heading;
        var existing = document.getElementById("comment-" + update.comment_id);
        if (!html) {
          // Taken off by moderation; its author keeps seeing it.
          if (existing && !existing.hasAttribute("data-mine")) existing.remove();
          return;
        }
        place(html, update.parent_id);
        refreshBell();
      })
      .catch(function () {});
  }

  // --- Posting without a reload ------------------------------------------

  function showError(form, button, message) {
    var old = form.querySelector(".form-error");
    if (old) old.remove();
    if (!message) return;
    var note = document.createElement("p");
    note.className = "form-error";
    note.setAttribute("role", "alert");
    note.textContent = message;
    if (button) button.parentNode.insertBefore(note, button);
    else form.appendChild(note);
  }

  function posted(form, posting, html) {
    showError(form, form.querySelector("button[type=submit]"), null);
    var parent = form.querySelector("input[name=parent]");
    place(html, parent ? Number(parent.value) : null);
    var box = form.querySelector("textarea[name=body]");
    if (posting && box) box.value = "";
    var details = form.closest("details");
    if (details) details.open = false;
  }

  // New comments, replies and edits go by fetch and are answered in JSON:
  // the comment rendered for this reader (held ones too, which only their
  // author sees), or why not, shown by the form with the text kept. An
  // answer that is not JSON falls back to the plain form.
  section.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.comment-form")) return;
    var action = form.getAttribute("action") || "";
    var posting = /\/comments$/.test(action);
    if (!posting && !/\/comments\/\d+\/edit$/.test(action)) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (answer) {
      if (!/json/.test(answer.headers.get("content-type") || "")) {
        // Taken (the comment comes through the stream), or refused in a
        // way only the plain form explains.
        if (answer.ok) posted(form, posting, null);
        else form.submit();
        return;
      }
      return answer.json().then(function (body) {
        if (answer.ok) posted(form, posting, body.html);
        else showError(form, button, body.message || body.code || String(answer.status));
      });
    }).catch(function () { form.submit(); })
      .then(function () { if (button) button.disabled = false; });
  });

  // --- One shared stream ---------------------------------------------------

  if (!edition || !window.EventSource) return;
  var shared = !!(window.BroadcastChannel && navigator.locks);
  var tab = Math.random().toString(36).slice(2);
  var seen = null;      // the last sequence this page has all events up to
  var admitted = null;  // the stream whose events this page may apply
  var active = false;   // shown and visible: this page wants events
  var channel = null;
  var asking = null;    // the lock request waiting for this tab's turn
  var leading = null;   // while this tab holds the stream

  function post(note) {
    if (channel) channel.postMessage(note);
  }

  // A note from the stream, through the channel or from this tab's own.
  function receive(note) {
    if (note.tabs && note.tabs.indexOf(tab) >= 0) admitted = note.stream;
    if (!active || note.stream !== admitted) return;
    if (seen === null || note.seq > seen) {
      seen = note.seq;
      if (note.update && note.update.edition_id === edition) apply(note.update);
    }
    // The page is live from here on: said for whoever looks (tests do).
    section.setAttribute("data-seen", seen);
  }

  function deliver(stream, seq, update, tabs) {
    var l = leading;
    if (!l || l.stream !== stream || !(seq >= 0)) return;
    l.seq = seq;
    var note = { type: "event", stream: stream, seq: seq, update: update, tabs: tabs };
    post(note);
    receive(note);
  }

  // (Re)opens the stream for the editions of the pages most recently
  // shown, after the oldest position among them.
  function connect() {
    var l = leading;
    if (!l) return;
    clearTimeout(l.timer);
    if (l.source) l.source.close();
    var wants = Object.keys(l.wants).map(function (key) { return l.wants[key]; });
    wants.sort(function (a, b) { return b.at - a.at; });
    var editions = [], tabs = [], after = l.seq;
    wants.forEach(function (want) {
      if (editions.indexOf(want.edition) < 0) {
        if (editions.length >= MAX_EDITIONS) return;
        editions.push(want.edition);
      }
      tabs.push(want.tab);
      // Pages on the old stream have had everything up to `l.seq`.
      var at = want.stream !== null && want.stream === l.stream ? l.seq : want.seq;
      if (at !== null && (after === null || at < after)) after = at;
    });
    if (!editions.length) return;
    var stream = tab + "." + (++l.streams);
    l.stream = stream;
    wants.forEach(function (want) { if (tabs.indexOf(want.tab) >= 0) want.stream = stream; });
    var source = new EventSource("/live?editions=" + editions.join(",") +
      (after === null ? "" : "&after=" + after));
    l.source = source;
    l.editions = editions;
    source.addEventListener("ready", function (message) {
      deliver(stream, Number(message.lastEventId), null, tabs);
    });
    source.onmessage = function (message) {
      var update;
      try { update = JSON.parse(message.data); } catch (e) { return; }
      deliver(stream, Number(message.lastEventId), update, null);
    };
    source.onerror = function () {
      // The browser reconnects by itself (sending Last-Event-ID) unless
      // the server refused; then try again later from the same place.
      if (source.readyState === EventSource.CLOSED && leading === l && l.source === source) {
        l.timer = setTimeout(connect, 5000);
      }
    };
  }

  function soon() {
    clearTimeout(leading.timer);
    leading.timer = setTimeout(connect, 50);
  }

  // A page (this one included) shows `edition` and has all up to `seq`.
  function want(from, wanted, seq) {
    var l = leading;
    var entry = { tab: from, edition: wanted, seq: seq, at: Date.now(), stream: null };
    l.wants[from] = entry;
    var covered = l.source && l.seq !== null && l.editions.indexOf(wanted) >= 0;
    if (covered && (seq === null || seq >= l.seq)) {
      entry.stream = l.stream;
      var note = { type: "event", stream: l.stream, seq: l.seq, update: null, tabs: [from] };
      post(note);
      receive(note);
    } else {
      soon();
    }
  }

  function lead(release) {
    leading = {
      wants: {}, source: null, editions: [], seq: null, stream: null, streams: 0,
      timer: 0, release: release
    };
    admitted = null;
    want(tab, edition, seen);
    post({ type: "hello" });
  }

  function stepDown() {
    var l = leading;
    if (!l) return;
    leading = null;
    clearTimeout(l.timer);
    if (l.source) l.source.close();
    l.release();
  }

  function announce() {
    post({ type: "want", tab: tab, edition: edition, seq: seen });
  }

  function heard(message) {
    var note = message.data || {};
    if (note.type === "event") {
      receive(note);
    } else if (note.type === "hello") {
      // A new leader: tell it what this page shows.
      if (active && !leading) announce();
    } else if (leading && note.type === "want") {
      want(note.tab, note.edition, note.seq);
    } else if (leading && note.type === "bye") {
      // The stream keeps the edition until it next reconnects anyway.
      delete leading.wants[note.tab];
    }
  }

  function activate() {
    if (active) return;
    active = true;
    admitted = null;
    if (!shared) {
      lead(function () {});
      return;
    }
    if (!channel) {
      channel = new BroadcastChannel(NAME);
      channel.onmessage = heard;
    }
    announce();
    var ask = asking = new AbortController();
    navigator.locks.request(NAME, { signal: ask.signal }, function () {
      // This page went away or asked again meanwhile: pass the turn on.
      if (ask !== asking) return;
      asking = null;
      return new Promise(lead);
    }).catch(function () {});
  }

  function deactivate(leaving) {
    if (active) {
      active = false;
      admitted = null;
      section.removeAttribute("data-seen");
      if (asking) asking.abort();
      asking = null;
      stepDown();
      post({ type: "bye", tab: tab });
    }
    if (leaving && channel) {
      channel.close();
      channel = null;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") activate();
    else deactivate(false);
  });
  window.addEventListener("pagehide", function () { deactivate(true); });
  window.addEventListener("pageshow", function () {
    if (document.visibilityState === "visible") activate();
  });
  if (document.visibilityState === "visible") activate();
})();
