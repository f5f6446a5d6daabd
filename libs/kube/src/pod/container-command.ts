/**
 * A container's command and args as the process must receive them, written so the kubelet passes them unchanged.
 *
 * The kubelet expands variable references in `command` and `args` before it starts the container: `$(NAME)`
 * becomes the container's variable NAME when it has one, and `$$` becomes `$`. A shell script there loses every
 * `$$` (`echo $$ > pid` writes `$`) and can have `$(SKYPORT_POD_IP)` replaced under it. Doubling every `$` is the
 * escape the kubelet defines: each `$$` turns back into the one `$` written here, and nothing else matches.
 */
export function literalContainerArgs(argv: readonly string[]): string[] {
  return argv.map((arg) => arg.replace(/\$/g, '$$$$'));
}
