/**
 * Text for a mail header (display name, subject, file name): line breaks and other control
 * characters become single spaces, so no header can be injected. nodemailer encodes the rest.
 */
export function headerText(value: string): string {
  return value
    .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}
