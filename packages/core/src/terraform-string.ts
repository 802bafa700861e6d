/**
 * Escapes a literal string for Terraform: every string in the synthesized
 * JSON is read as a template, so `${...}` and `%{...}` in literal text (an IAM
 * policy variable, a shell `${HOME}`) would be taken for interpolations or
 * directives. They become `$${...}` and `%%{...}`, which Terraform turns back
 * into the original text. cdktf token markers (`${TfToken[...]}`) are kept,
 * so a string mixing literal text and references stays valid.
 */
export function escapeTerraformTemplate(value: string): string {
  return value.replace(/\$\{(?!TfToken\[)/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** The inverse of {@link escapeTerraformTemplate}: the text Terraform passes on for a literal template string. */
export function unescapeTerraformTemplate(value: string): string {
  return value.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}
