// A wide ladder picture scrolls inside its box: bring the worker's place (or the goal) into view first.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".ladder-figure__scroll").forEach(function (box) {
    var mark = box.querySelector(".node.is-current, .node.is-target");
    if (!mark || box.scrollWidth <= box.clientWidth) { return; }
    var boxRect = box.getBoundingClientRect();
    var markRect = mark.getBoundingClientRect();
    box.scrollLeft += markRect.left - boxRect.left - (box.clientWidth - markRect.width) / 2;
  });
});
