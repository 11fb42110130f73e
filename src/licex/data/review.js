// A value in the record links to its evidence: the text and the page image (where the page shows
// one) scroll to it, every piece of it flashes (a span cut by another span is marked in pieces
// that share data-mark), and its box on the page stays highlighted until another value is
// clicked. A box on the page leads back to its value. Without script the links still jump, and
// :target flashes the first piece. With reduced motion asked for, nothing scrolls smoothly.
(function () {
  var smooth = !(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);

  // Scroll the pane that holds `element` (the pages, the text or the record) to centre it
  // vertically; sideways only where it lies out of sight.
  function reveal(element) {
    var pane = element.closest(".pages, .text, .record");
    if (!pane) {
      element.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
      return;
    }
    var box = element.getBoundingClientRect(), view = pane.getBoundingClientRect();
    pane.scrollTo({
      top: pane.scrollTop + box.top - view.top - Math.max(0, (view.height - box.height) / 2),
      left: box.left >= view.left && box.right <= view.right ? pane.scrollLeft
        : pane.scrollLeft + box.left - view.left - Math.max(0, (view.width - box.width) / 2),
      behavior: smooth ? "smooth" : "auto"
    });
  }

  function show(id) {
    var mark = document.getElementById(id), box = document.getElementById("box-" + id);
    if (!mark && !box) return false;
    if (mark) reveal(mark);
    if (box) reveal(box);
    document.querySelectorAll(".current").forEach(function (element) { element.classList.remove("current"); });
    document.querySelectorAll("[data-mark]").forEach(function (piece) {
      if (piece.getAttribute("data-mark") !== id) return;
      piece.classList.remove("flash");
      void piece.getBoundingClientRect(); // restart the animation on a second click
      piece.classList.add("flash", "current");
    });
    history.replaceState(null, "", "#" + (mark ? id : "box-" + id));
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-jump]");
    if (link) {
      if (show(link.getAttribute("data-jump"))) event.preventDefault();
      return;
    }
    var box = event.target.closest("rect.box");
    if (!box) return;
    var id = box.getAttribute("data-mark");
    var value = document.querySelector('.record a[data-jump="' + id + '"]');
    show(id);
    if (value) {
      reveal(value);
      value.classList.remove("flash");
      void value.getBoundingClientRect();
      value.classList.add("flash");
    }
  });
})();
