// Behaviour that would otherwise be inline (the Content-Security-Policy allows only this site's scripts).
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
}, true);
document.addEventListener("click", function (event) {
  var el = event.target.closest && event.target.closest("[data-print],[data-back]");
  if (!el) return;
  event.preventDefault();
  if (el.hasAttribute("data-print")) window.print(); else window.history.back();
});
