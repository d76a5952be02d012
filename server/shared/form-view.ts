import { t } from '../i18n/index.ts';
import type { FieldErrorParams, FieldErrors } from './form.ts';

/** What a form template needs: the values to show and the German message per field. */
export type FormView = {
  values: Record<string, string>;
  errors: Record<string, string>;
  errorList: { field: string; message: string }[];
};

export function formView(values: Record<string, string>, errors: FieldErrors = {}, params: FieldErrorParams = {}): FormView {
  const translated: Record<string, string> = {};
  for (const [field, key] of Object.entries(errors)) translated[field] = t(key, params[field]);
  return {
    values,
    errors: translated,
    errorList: Object.entries(translated).map(([field, message]) => ({ field, message })),
  };
}

/** Options for a <select>, with the current value selected. */
export function selectOptions(options: readonly { value: string; label: string }[], current: string) {
  return options.map((option) => ({ ...option, selected: option.value === current }));
}
