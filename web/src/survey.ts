/**
 * The anonymous survey's enhancements (the pages work without them):
 * - the start page: the link's token follows # in the address, which browsers never send to a server; this copies it
 *   into the form's code field, hides the field (the person only presses "Start the survey"), and takes the token out
 *   of the address bar and the history entry;
 * - the survey page: how many questions of each section are answered, kept current as they are answered.
 */

export function enhanceSurveyStart(form: HTMLFormElement): void {
  const field = form.querySelector<HTMLInputElement>('input[name="token"]');
  const token = decodeURIComponent(location.hash.replace(/^#/, '')).trim();
  if (!field || !token) return;
  field.value = token;
  // No error on the page (a 422 shows the field to fix): the code is in, the field need not be seen.
  if (!document.getElementById('error-summary')) {
    form.querySelector<HTMLElement>('[data-survey-code]')?.setAttribute('hidden', '');
    document.querySelector<HTMLElement>('.npcs-survey-ready')?.removeAttribute('hidden');
  }
  history.replaceState(null, '', location.pathname + location.search);
}

export function enhanceSurveyProgress(form: HTMLFormElement, progress: HTMLElement): void {
  const sections = [...form.querySelectorAll<HTMLElement>('[data-survey-section]')];
  const answered = (field: HTMLElement): boolean => {
    const controls = [...field.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')].filter((c) => !c.disabled);
    return controls.some((c) => (c instanceof HTMLInputElement && (c.type === 'radio' || c.type === 'checkbox') ? c.checked : c.value.trim() !== ''));
  };
  const totalEl = progress.querySelector<HTMLElement>('[data-progress-total]');
  const countEl = progress.querySelector<HTMLElement>('[data-progress-count]');
  const update = () => {
    let all = 0;
    let done = 0;
    for (const section of sections) {
      const fields = [...section.querySelectorAll<HTMLElement>('[data-field]')].filter((f) => !f.hidden && !f.closest('[hidden]'));
      const n = fields.filter(answered).length;
      all += fields.length;
      done += n;
      const label = progress.querySelector<HTMLElement>(`[data-progress-section="${section.dataset.surveySection}"] [data-progress-label]`);
      if (label) {
        label.textContent = ` (${n} of ${fields.length} answered${n === fields.length && n > 0 ? ', complete' : ''})`;
        label.hidden = false;
      }
    }
    if (totalEl) totalEl.textContent = String(done);
    if (countEl) countEl.textContent = String(all);
    progress.querySelector<HTMLElement>('#survey-progress-total')?.removeAttribute('hidden');
  };
  form.addEventListener('change', update);
  form.addEventListener('input', update);
  update();
}
