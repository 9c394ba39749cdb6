import { launchChromium, signedInContext } from './test/support/chromium.ts';
async function main() {
  const { browser, close } = await launchChromium();
  const { ctx, page } = await signedInContext(browser, 'http://127.0.0.1:3100', 'demo-platform-admin', { width: 1280 });
  page.on('response', (r) => console.log(r.status(), r.url()));
  await page.goto('http://127.0.0.1:3100/warehouse');
  await page.getByLabel('Why a release is needed now').fill('Louisiana withdrew its consent');
  await page.getByRole('button', { name: 'Start a release now' }).click();
  await page.waitForTimeout(3000);
  console.log(page.url());
  await page.screenshot({ path: `/work/scratch/warehouse-started.png`, fullPage: true });
  await page.waitForTimeout(5000);
  await page.reload();
  await page.screenshot({ path: `/work/scratch/warehouse-after.png`, fullPage: true });
  await ctx.close();
  await close();
}
void main();
