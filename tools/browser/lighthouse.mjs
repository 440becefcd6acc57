// Lighthouse's accessibility, best-practices and SEO audits of a running
// khabar (a demo instance; tools/lighthouse.sh starts one): home, an
// article, search, sign-up and a 404, in Arabic and English, as a phone
// and as a desktop. Every category must score 100 and no page may log a
// console error.
//
//   node tools/browser/lighthouse.mjs http://127.0.0.1:PORT [report folder]
//
// Chromium is Debian's (CHROME_PATH, default /usr/bin/chromium); one
// browser serves every run. Two SEO audits fail by design, and only
// there: search, sign-up and error pages are kept out of search engines
// (robots.txt and noindex), which `is-crawlable` counts against them; a
// 404 page answers 404, which `http-status-code` counts, and Chromium logs
// that answer as a console error. Every other audit counts everywhere.
import fs from 'node:fs';
import path from 'node:path';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

const [base, reports] = process.argv.slice(2);
if (!base) {
  console.error('usage: node lighthouse.mjs http://127.0.0.1:PORT [report folder]');
  process.exit(2);
}
const categories = ['accessibility', 'best-practices', 'seo'];

// The first story the language's front page links to.
async function storyPath(lang) {
  const home = await fetch(`${base}/${lang}/`);
  const html = await home.text();
  const found = html.match(new RegExp(`href="(/${lang}/story/[^"#?]+)"`));
  if (!found) throw new Error(`no story linked from ${base}/${lang}/`);
  return found[1];
}

const pages = [];
for (const lang of ['ar', 'en']) {
  const search = lang === 'ar' ? '%D9%85%D8%B1%D8%B3%D9%89' : 'harbour';
  pages.push(
    { name: `${lang}-home`, path: `/${lang}/` },
    { name: `${lang}-article`, path: await storyPath(lang) },
    { name: `${lang}-search`, path: `/${lang}/search?q=${search}`, unindexed: true },
    { name: `${lang}-sign-up`, path: `/${lang}/signup`, unindexed: true },
    { name: `${lang}-not-found`, path: `/${lang}/no-such-page`, unindexed: true, error: true },
  );
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const problems = [];
try {
  for (const [formFactor, config] of [['mobile', undefined], ['desktop', desktopConfig]]) {
    for (const page of pages) {
      const url = base + page.path;
      const expected = new Set([
        ...(page.unindexed ? ['is-crawlable'] : []),
        ...(page.error ? ['http-status-code'] : []),
      ]);
      const flags = {
        port: chrome.port,
        output: 'html',
        logLevel: 'error',
        onlyCategories: categories,
        ignoreStatusCode: Boolean(page.error),
      };
      const result = await lighthouse(url, flags, config);
      const { lhr } = result;
      if (reports) {
        fs.mkdirSync(reports, { recursive: true });
        fs.writeFileSync(path.join(reports, `${page.name}-${formFactor}.html`), result.report);
      }
      if (lhr.runtimeError) {
        problems.push(`${page.name} ${formFactor}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
        continue;
      }
      const scores = [];
      for (const id of categories) {
        const category = lhr.categories[id];
        scores.push(`${id} ${Math.round(category.score * 100)}`);
        if (category.score !== 1 && expected.size === 0) {
          problems.push(`${page.name} ${formFactor}: ${id} scores ${Math.round(category.score * 100)}`);
        }
        for (const ref of category.auditRefs) {
          const audit = lhr.audits[ref.id];
          if (ref.weight === 0 || audit.score === null || audit.score === 1) continue;
          if (expected.has(ref.id)) continue;
          if (ref.id === 'errors-in-console') continue; // below, item by item
          const where = (audit.details?.items || [])
            .map((item) => item.node?.selector || item.url || item.source?.url || '')
            .filter(Boolean)
            .join(' | ');
          problems.push(`${page.name} ${formFactor}: ${id}/${ref.id}: ${audit.title}${where ? `; at ${where}` : ''}`);
        }
      }
      for (const item of lhr.audits['errors-in-console'].details?.items || []) {
        // A 404 page's own answer is logged as a failed load.
        if (page.error && item.sourceLocation?.url === url) continue;
        problems.push(`${page.name} ${formFactor}: console error: ${item.description}`);
      }
      console.log(`${page.name} ${formFactor}: ${scores.join(', ')}`);
    }
  }
} finally {
  await chrome.kill();
}
if (problems.length > 0) {
  console.error(`lighthouse: ${problems.length} problems:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`lighthouse: ${pages.length} pages, mobile and desktop: every audit of ${categories.join(', ')} passes, but for is-crawlable where robots.txt and noindex keep a page out of search engines and http-status-code on the 404; no console errors`);
