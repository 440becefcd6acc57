// The front page desk: drag a picked story to a new place. The form works
// without this (up and down buttons); dragging only reorders the rows, so
// the order sent on save is the order shown. Keyboard users keep the
// buttons, which stay in the rows.
(function () {
  "use strict";
  var list = document.querySelector("[data-front-picks]");
  if (!list) return;
  var dragged = null;
  function renumber() {
    // The place names and the buttons' rows follow the new order.
    var rows = list.querySelectorAll(".front-pick");
    var lead = list.getAttribute("data-lead-label");
    var top = list.getAttribute("data-top-label");
    rows.forEach(function (row, i) {
      var place = row.querySelector(".front-pick-place");
      if (place && lead && top) place.textContent = i === 0 ? lead : top;
      row.querySelectorAll("button[name=op]").forEach(function (button) {
        button.value = button.value.replace(/-\d+$/, "-" + i);
        if (button.value.indexOf("up-") === 0) button.disabled = i === 0;
        if (button.value.indexOf("down-") === 0) button.disabled = i === rows.length - 1;
      });
    });
  }
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
  list.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragged");
    dragged = null;
    renumber();
  });
})();
