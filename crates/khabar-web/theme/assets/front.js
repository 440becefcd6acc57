// The front page desk: the up and down buttons move a picked story at
// once, keep the keyboard's focus on it and say its new place in a live
// region (in the page's language and digits); a story can also be dragged
// with the mouse. Either way only the rows move: the order sent on save is
// the order shown. Without this script the buttons submit the form and
// the server moves the story.
(function () {
  "use strict";
  var list = document.querySelector("[data-front-picks]");
  if (!list) return;
  var announce = document.querySelector("[data-front-announce]");
  var moved = list.getAttribute("data-moved") || "";
  var root = document.documentElement;
  var numbers = new Intl.NumberFormat(root.getAttribute("data-locale") || root.lang);
  var dragged = null;
  function rows() {
    return Array.prototype.slice.call(list.querySelectorAll(".front-pick"));
  }
  function renumber() {
    // The place names and the buttons' rows follow the new order.
    var all = rows();
    var lead = list.getAttribute("data-lead-label");
    var top = list.getAttribute("data-top-label");
    all.forEach(function (row, i) {
      var place = row.querySelector(".front-pick-place");
      if (place && lead && top) place.textContent = i === 0 ? lead : top;
      row.querySelectorAll("button[name=op]").forEach(function (button) {
        button.value = button.value.replace(/-\d+$/, "-" + i);
        if (button.value.indexOf("up-") === 0) button.disabled = i === 0;
        if (button.value.indexOf("down-") === 0) button.disabled = i === all.length - 1;
      });
    });
  }
  function say(row) {
    if (!announce || !moved) return;
    var all = rows();
    var headline = row.querySelector(".front-pick-headline");
    announce.textContent = moved
      .replace("{headline}", headline ? headline.textContent : "")
      .replace("{position}", numbers.format(all.indexOf(row) + 1))
      .replace("{count}", numbers.format(all.length));
  }
  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=op]");
    if (!button) return;
    var up = button.value.indexOf("up-") === 0;
    if (!up && button.value.indexOf("down-") !== 0) return;
    event.preventDefault();
    var row = button.closest(".front-pick");
    var other = up ? row.previousElementSibling : row.nextElementSibling;
    if (!other) return;
    list.insertBefore(row, up ? other : other.nextElementSibling);
    renumber();
    // At the top or the bottom the pressed button is now disabled: the
    // other one of the row keeps the focus there.
    var focus = button.disabled
      ? row.querySelector("button[value^=" + (up ? "down" : "up") + "-]")
      : button;
    focus.focus();
    say(row);
  });
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".front-pick");
    if (!dragged) return;
    dragged.classList.add("is-dragged");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
  });
  list.addEventListener("dragover", function (event) {
    var over = event.target.closest(".front-pick");
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });
  list.addEventListener("dragend", function () {
    if (!dragged) return;
    var row = dragged;
    row.classList.remove("is-dragged");
    dragged = null;
    renumber();
    say(row);
  });
})();
