import { parseArgs } from 'node:util';
import { CliError, readStdin } from '../cli/cli-context.ts';
import type { CliCommand } from '../cli/cli-context.ts';
import { t } from '../i18n/index.ts';
import { createOrganiser, findOrganiserByEmail, readOrganiserForm, resetPassword } from './organisers.service.ts';
import { passwordProblem } from './password-policy.ts';
import { disableSecondFactor } from './two-factor.service.ts';

export const createOrganiserCommand: CliCommand = {
  name: 'create-organiser',
  usage: 'create-organiser --email <e-mail> --name <name> --password-stdin [--admin]',
  description: 'Creates an organiser account; the password is read from standard input. --admin: the operator (admin page).',
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: { email: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' }, admin: { type: 'boolean' } },
      strict: true,
    });
    if (!values.email || !values.name) throw new CliError('Both --email and --name are required.');
    if (!values['password-stdin']) {
      throw new CliError('Pass the password on standard input with --password-stdin, e.g.: echo "$PASSWORD" | mitzeichnen create-organiser …');
    }
    const password = await readStdin(context.io.stdin);
    const form = readOrganiserForm({ email: values.email, name: values.name, password }, { confirm: false });
    if (!form.ok) {
      throw new CliError(Object.entries(form.errors).map(([field, key]) => `${field}: ${t(key)}`).join('\n'));
    }
    const { db } = context.database();
    const created = await createOrganiser({ db, clock: context.clock, input: form.value, isAdmin: values.admin === true });
    if (!created.ok) throw new CliError(`An organiser with the e-mail ${form.value.email} already exists.`);
    context.print(`Created ${created.organiser.isAdmin ? 'admin ' : ''}organiser ${created.organiser.name} <${created.organiser.email}>.`);
    return 0;
  },
};

export const setPasswordCommand: CliCommand = {
  name: 'set-password',
  usage: 'set-password --email <e-mail> --password-stdin',
  description: "Sets a new password for an organiser (read from standard input) and ends the organiser's sessions.",
  async run(args, context) {
    const { values } = parseArgs({ args, options: { email: { type: 'string' }, 'password-stdin': { type: 'boolean' } }, strict: true });
    if (!values.email) throw new CliError('--email is required.');
    if (!values['password-stdin']) throw new CliError('Pass the new password on standard input with --password-stdin.');
    const password = await readStdin(context.io.stdin);
    const { db } = context.database();
    const organiser = findOrganiserByEmail({ db, email: values.email });
    const problem = passwordProblem(password, organiser ? [organiser.email, organiser.name] : [values.email]);
    if (problem) throw new CliError(`password: ${t(problem)}`);
    const changed = await resetPassword({ db, email: values.email, password });
    if (!changed) throw new CliError(`There is no organiser with the e-mail ${values.email}.`);
    context.print(`Password of ${values.email} changed; all of their sessions were ended.`);
    return 0;
  },
};

export const resetTwoFactorCommand: CliCommand = {
  name: 'reset-2fa',
  usage: 'reset-2fa --email <e-mail>',
  description: "Switches off an organiser's two-factor sign-in (lost phone and recovery codes); they log in with the password and may set it up again.",
  async run(args, context) {
    const { values } = parseArgs({ args, options: { email: { type: 'string' } }, strict: true });
    if (!values.email) throw new CliError('--email is required.');
    const { db } = context.database();
    const organiser = findOrganiserByEmail({ db, email: values.email });
    if (!organiser) throw new CliError(`There is no organiser with the e-mail ${values.email}.`);
    disableSecondFactor({ db, organiserId: organiser.id });
    context.print(`Two-factor sign-in of ${organiser.email} is switched off.`);
    return 0;
  },
};
