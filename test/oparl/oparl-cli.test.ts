import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { listEntries } from '../../server/addressees/addressees.service.ts';
import { tempDataDir } from '../helpers/app.ts';
import { runMitzeichnen } from '../helpers/cli.ts';
import { makeList, makeOrganiser } from '../helpers/factories.ts';
import { kreistag, startOparlServer } from './oparl-server.ts';

async function setup() {
  const dataDir = tempDataDir();
  const connection = openDatabase(join(dataDir, 'mitzeichnen.sqlite'));
  migrateDatabase(connection.db);
  const { organiser } = await makeOrganiser(connection.db, { email: 'orga@example.org' });
  const list = makeList(connection.db, organiser.id, { name: 'Kreistag' });
  connection.close();
  const entries = () => {
    const reader = openDatabase(join(dataDir, 'mitzeichnen.sqlite'));
    try {
      return listEntries({ db: reader.db, list });
    } finally {
      reader.close();
    }
  };
  const env = { DATA_DIR: dataDir, SESSION_SECRET: 'test-secret-test-secret-test-secret-0123', OPARL_ALLOW_PRIVATE: 'true' };
  return { dataDir, entries, env };
}

describe('mitzeichnen import-oparl', () => {
  it('prints the preview in German on --dry-run and writes nothing; without it imports, and a refresh marks who left', async () => {
    const { entries, env } = await setup();
    const oparl = await startOparlServer();
    const dry = await runMitzeichnen(['import-oparl', '--system', oparl.system, '--body', 'Kreis Beispiel', '--organization', 'Kreistag', '--list', 'Kreistag', '--dry-run'], { env });
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Quelle: Kreis Beispiel – Kreistag');
    expect(dry.stdout).toContain('Mitglieder: 60 · neu 60 · geändert 0 · unverändert 0 · ausgeschieden 0 · mit Fehlern 0');
    expect(dry.stdout).toContain('Zeile 5 (Anna5 Mitglied05) – Hinweis: Keine E-Mail-Adresse');
    expect(dry.stdout).toContain('Probelauf: nichts wurde geschrieben.');
    expect(entries()).toHaveLength(0);

    const run = await runMitzeichnen(['import-oparl', '--system', oparl.system, '--organization', 'kreistag', '--list', 'Kreistag'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Importiert: 60 neu, 0 geändert, 0 unverändert; 0 ausgeschieden, davon 0 entfernt.');
    expect(entries()).toHaveLength(60);

    const council = kreistag();
    council.persons.splice(10, 1);
    oparl.state.council = council;
    const refresh = await runMitzeichnen(['import-oparl', '--system', oparl.system, '--organization', 'Kreistag', '--list', 'Kreistag'], { env });
    expect(refresh.code).toBe(0);
    expect(refresh.stdout).toContain('Ausgeschieden: Anna11 Mitglied11');
    expect(entries().find((entry) => entry.lastName === 'Mitglied11')!.note).toMatch(/^Ausgeschieden/);
  }, 120_000);

  it('exits non-zero with a German message for an unknown organisation or a system that is not OParl', async () => {
    const { env } = await setup();
    const oparl = await startOparlServer();
    const unknown = await runMitzeichnen(['import-oparl', '--system', oparl.system, '--organization', 'Jugendhilfeausschuss', '--list', 'Kreistag'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Gremium „Jugendhilfeausschuss“ nicht gefunden. Vorhanden: Fraktion Gemeinwohl, Kreisausschuss, Kreistag');
    const notOparl = await runMitzeichnen(['import-oparl', '--system', `${oparl.base}/nothing-here`, '--organization', 'Kreistag', '--list', 'Kreistag'], { env });
    expect(notOparl.code).toBe(1);
    expect(notOparl.stderr).toContain('Fehler 404');
    const privateRefused = await runMitzeichnen(['import-oparl', '--system', oparl.system, '--organization', 'Kreistag', '--list', 'Kreistag'], { env: { ...env, OPARL_ALLOW_PRIVATE: 'false' } });
    expect(privateRefused.code).toBe(1);
    expect(privateRefused.stderr).toContain('gehört zu einem internen Netz');
  });
});
