import type { SeedDemoResult } from './seed-demo.ts';
import { DEMO_CITIZENS, DEMO_SUPPORTERS_SLUG } from './demo-supporters.ts';

/** What the operator reads on the console after seeding (English, like all operator output). */
export function describeSeedResult(result: SeedDemoResult): string[] {
  const lines: string[] = [];
  if (result.organiser) {
    lines.push('Demo organiser created:');
    lines.push(`  e-mail:   ${result.organiser.email}`);
    lines.push(`  password: ${result.organiser.password}${result.organiser.generated ? '   (generated; shown only now – set DEMO_PASSWORD to choose one)' : ''}`);
  } else {
    lines.push('Demo organiser demo@example.org exists already (password unchanged).');
  }
  lines.push(
    result.createdAppeals.length > 0 ? `Demo appeals created: ${result.createdAppeals.join(', ')}` : 'Demo appeals exist already; nothing added.',
  );
  if (result.demoSupporters > 0) lines.push(`Supporters of ${DEMO_SUPPORTERS_SLUG}: 3 organisations (1 awaiting approval), ${DEMO_CITIZENS} citizens (public page /a/${DEMO_SUPPORTERS_SLUG})`);
  if (result.createdLists.length > 0) lines.push(`Addressee lists created: ${result.createdLists.join(', ')}`);
  return lines;
}
