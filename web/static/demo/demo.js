// Demo page: the call-to-action buttons open the chat widget.
document.addEventListener("click", function (event) {
  var target = event.target.closest && event.target.closest("[data-open-chat]");
  if (target && window.LawbotWidget) {
    window.LawbotWidget.open();
  }
});
