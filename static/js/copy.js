// Copy a quote's link or citation to the clipboard; the only script on the site.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy], [data-copy-from]");
  if (!button) return;
  const source = button.dataset.copyFrom && document.getElementById(button.dataset.copyFrom);
  const text = source ? source.textContent.trim() : button.dataset.copy;
  const status = button.parentElement.querySelector(".copy-status");
  try {
    await navigator.clipboard.writeText(text);
    if (status) status.textContent = button.dataset.done || "✓";
  } catch {
    if (status) status.textContent = text;
  }
});
