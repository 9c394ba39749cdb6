/**
 * The pages' one script: progressive enhancement only — every page works without it. Loaded as a module from
 * /assets/ (the CSP allows script-src 'self' and nothing inline).
 */

// Confirm before signing out when a form on the page has unsaved changes.
let dirty = false;
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-track-changes]')) {
  form.addEventListener('input', () => (dirty = true));
  form.addEventListener('submit', () => (dirty = false));
}
window.addEventListener('beforeunload', (event) => {
  if (dirty) event.preventDefault();
});

// Disable a submit button once pressed, so a double click does not send the form twice.
for (const form of document.querySelectorAll<HTMLFormElement>('form')) {
  form.addEventListener('submit', () => {
    for (const button of form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')) button.setAttribute('aria-disabled', 'true');
  });
}
document.documentElement.classList.add('js');
