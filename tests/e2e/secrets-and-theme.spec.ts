import { test, expect } from '@playwright/test';
import { apiAs, gotoHydrated, secrets, storageStatePath } from './support';

test('no page or JSON response contains the Redis password or the auth secret', async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageStatePath('admin') });
  const page = await context.newPage();
  const bodies: string[] = [];
  page.on('response', async (res) => {
    const type = res.headers()['content-type'] ?? '';
    if (/html|json|javascript|x-component|text/.test(type)) bodies.push(await res.text().catch(() => ''));
  });
  for (const path of ['/', '/users', '/account', '/signin']) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
  }
  const api = await apiAs('admin');
  for (const path of ['/api/health', '/api/v1/me', '/api/v1/users', '/api/v1/tokens', '/api/auth/session', '/api/auth/providers']) {
    bodies.push(await (await api.get(path)).text());
  }
  expect(bodies.length).toBeGreaterThan(10);
  for (const secret of secrets()) {
    for (const body of bodies) expect(body.includes(secret)).toBe(false);
  }
  await api.dispose();
  await context.close();
});

test('dark mode follows the system and can be toggled', async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageStatePath('viewer'), colorScheme: 'dark' });
  const page = await context.newPage();
  await gotoHydrated(page, '/');
  await expect(page.locator('html')).toHaveClass(/dark/);
  const toggle = page.getByRole('button', { name: /^Theme:/ });
  await expect(toggle).toHaveAttribute('aria-label', 'Theme: system');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-label', 'Theme: light');
  await expect(page.locator('html')).not.toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator('html')).not.toHaveClass(/dark/);
  await page.getByRole('button', { name: 'Theme: light' }).click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await context.close();
});
