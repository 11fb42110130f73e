// A value in the record links to its evidence: scroll the text to it and flash every piece of it
// (a span cut by another span is marked in pieces that share data-mark). Without script the
// links still jump, and :target flashes the first piece.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-jump]");
  if (!link) return;
  var id = link.getAttribute("data-jump");
  var target = document.getElementById(id);
  if (!target) return;
  event.preventDefault();
  target.scrollIntoView({ block: "center", behavior: "smooth" });
  document.querySelectorAll("[data-mark]").forEach(function (piece) {
    if (piece.getAttribute("data-mark") !== id) return;
    piece.classList.remove("flash");
    void piece.offsetWidth; // restart the animation on a second click
    piece.classList.add("flash");
  });
  history.replaceState(null, "", "#" + id);
});
