// The representative's signing page: reading the form, the signature image and the view model.
import { diffWords } from 'diff';
import type { Appeal } from '../appeals/appeals.table.ts';
import { presentLetterPreview } from '../appeals/appeals.presenters.ts';
import type { FieldErrors, FormResult } from '../shared/form.ts';
import { readForm } from '../shared/form.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatDateTime, formatIsoDate } from '../shared/dates.ts';
import type { FileStore } from '../shared/file-store.ts';
import type { UploadedFile } from '../shared/uploaded-file.ts';
import { reencodeImage } from '../signatories/logos.ts';
import type { ImageProblem } from '../signatories/logos.ts';
import { logoUrl } from '../signatories/signatories.presenters.ts';
import { signatureKinds } from '../signatories/signatories.table.ts';
import { signingRepository } from './signing.repository.ts';
import type { LinkContext } from './signing.repository.ts';
import type { AppealVersion } from './signing.table.ts';
import type { SignatureInput } from './signing.service.ts';
import { readableText } from './versions.ts';
import type { Db } from '../db/client.ts';

export const MAX_SIGNATURE_BYTES = 5 * 1024 * 1024;
// A signature is printed about 50 mm wide; 900 × 300 px is plenty.
const SIGNATURE_BOX = { width: 900, height: 300 };

const imageProblems: Record<ImageProblem, MessageKey> = {
  tooLarge: 'signing.image.tooLarge',
  empty: 'signing.image.empty',
  notAnImage: 'signing.image.notAnImage',
  unreadable: 'signing.image.unreadable',
  tooManyPixels: 'signing.image.unreadable',
};

export function readSignatureForm(body: unknown): FormResult<SignatureInput> & { drawn: string } {
  const form = readForm(body);
  const representativeName = form.line('representativeName', { required: true, max: 120 });
  const representativeFunction = form.line('representativeFunction', { max: 120 });
  if (!form.checkbox('authorised')) form.fail('authorised', 'signing.authorisedRequired');
  const kind = form.choice('signatureKind', signatureKinds, 'typed');
  const consentPublic = form.checkbox('consentPublic');
  const consentLogo = form.checkbox('consentLogo');
  const drawn = typeof (body as Record<string, unknown>)?.drawnSignature === 'string' ? ((body as Record<string, string>).drawnSignature ?? '') : '';
  const result = form.result({ representativeName, representativeFunction, kind, consentPublic, consentLogo });
  // The drawing is not echoed back into the form (it is large); it must be drawn again.
  return { ...result, drawn };
}

/**
 * The signature image of a drawn or uploaded signature, re-encoded and stored; or the
 * problem to show at the field. Typed signatures have no image.
 */
export async function storeSignatureImage(
  fileStore: FileStore,
  kind: SignatureInput['kind'],
  { drawn, upload }: { drawn: string; upload: UploadedFile | undefined },
): Promise<{ ok: true; file: string | null } | { ok: false; errors: FieldErrors }> {
  if (kind === 'typed') return { ok: true, file: null };
  let source: Pick<UploadedFile, 'bytes' | 'tooLarge'>;
  if (kind === 'drawn') {
    const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(drawn);
    if (!match) return { ok: false, errors: { signatureKind: 'signing.drawnMissing' } };
    source = { bytes: Buffer.from(match[1]!, 'base64'), tooLarge: false };
  } else {
    if (!upload) return { ok: false, errors: { signatureImage: 'signing.image.missing' } };
    source = upload;
  }
  const image = await reencodeImage(source, { box: SIGNATURE_BOX, allowSvg: false });
  if (!image.ok) return { ok: false, errors: { [kind === 'drawn' ? 'signatureKind' : 'signatureImage']: imageProblems[image.problem] } };
  return { ok: true, file: fileStore.write('signatures', image.png, 'png') };
}

/** Word-level changes between the text a signatory confirmed and the current one. */
export function textChanges(before: AppealVersion, after: AppealVersion) {
  return diffWords(readableText(before.canonical), readableText(after.canonical)).map((part) => ({
    text: part.value,
    change: part.added ? 'added' : part.removed ? 'removed' : 'same',
  }));
}

export function presentSigningPage({ db }: { db: Db }, context: LinkContext, version: AppealVersion) {
  const { signatory, organisation, appeal } = context;
  const signedVersion = signatory.signedVersionId ? signingRepository(db).version(signatory.signedVersionId) : undefined;
  const signedCurrent = signatory.status === 'signed' && signatory.signedVersionId === version.id;
  return {
    appeal: presentAppealSummary(appeal),
    letter: presentLetterPreview(appeal),
    versionNumber: version.number,
    versionHash: version.hash,
    organisation: {
      name: organisation.name,
      shortName: organisation.shortName,
      logoUrl: logoUrl(organisation.logoFile),
      addressLines: organisation.address.split('\n').filter(Boolean),
    },
    signatory: {
      name: signatory.representativeName,
      function: signatory.representativeFunction,
      status: signatory.status,
      signedAt: signatory.signedAt ? formatDateTime(signatory.signedAt) : '',
      declineReason: signatory.declineReason,
    },
    signedCurrent,
    declined: signatory.status === 'declined',
    changes: signatory.status === 'needs_reconfirmation' && signedVersion && signedVersion.id !== version.id ? textChanges(signedVersion, version) : null,
  };
}

export function presentAppealSummary(appeal: Appeal) {
  return {
    title: appeal.title,
    coalitionName: appeal.coalitionName,
    contactName: appeal.contactName,
    contactEmail: appeal.contactEmail,
    contactPhone: appeal.contactPhone,
    deadline: appeal.signingDeadline ? formatIsoDate(appeal.signingDeadline) : '',
  };
}
