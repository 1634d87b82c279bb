// The account pages render on the server without the client; this is the little they do in the browser.
// "Copy the codes" is shown only where it can work (a secure context with the clipboard API).
for (const button of document.querySelectorAll('.copy-recovery-codes')) {
  if (!navigator.clipboard) continue;
  button.style.display = '';
  button.addEventListener('click', async () => {
    const label = button.querySelector('.mud-button-label') ?? button;
    const text = label.lastChild;
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      text.textContent = 'Copied';
    } catch {
      text.textContent = 'Could not copy: select the codes instead';
    }
  });
}
