// Signs in once per role through the real form and saves the session for the other specs.
import { test as setup, expect } from '@playwright/test';
import { USERS, expectSignedIn, signIn, storageStatePath, baseURL } from './support';

setup('admin signs in, creates operator and viewer, each signs in', async ({ page, browser }) => {
  await signIn(page, USERS.admin.email, USERS.admin.password);
  await expectSignedIn(page, 'admin');
  await page.context().storageState({ path: storageStatePath('admin') });

  for (const role of ['operator', 'viewer'] as const) {
    const res = await page.request.post('/api/v1/users', {
      headers: { origin: baseURL },
      data: { email: USERS[role].email, role, password: USERS[role].password },
    });
    expect([201, 409]).toContain(res.status());
    const context = await browser.newContext();
    const rolePage = await context.newPage();
    await signIn(rolePage, USERS[role].email, USERS[role].password);
    await expectSignedIn(rolePage, role);
    await context.storageState({ path: storageStatePath(role) });
    await context.close();
  }
});
