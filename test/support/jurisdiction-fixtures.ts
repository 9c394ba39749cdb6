/** A valid new registry profile for the integration tests that add jurisdictions through the routes (fictional contact). */
export const newJurisdiction = (id: string, name = `Test Agency ${id}`) => ({
  id,
  name,
  type: 'county',
  state: 'KY',
  county: 'Fayette',
  units: [{ code: 'intake', label: 'Intake' }],
  contacts: [{ role: 'review-lead', name: 'Pat Doe', email: `lead@${id}.example.org` }],
  active: true,
  joinedYear: 2026,
});
