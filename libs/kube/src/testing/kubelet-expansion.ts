/**
 * The kubelet's expansion of a container's command and args, for tests that run a pod's command without a kubelet:
 * `$$` becomes `$`, `$(NAME)` becomes the container variable NAME's value when it has one (else it stays), any
 * other `$` stays. (Kubernetes' documented rules; the KWOK harness applies the same ones.)
 */
export function kubeletExpand(input: string, env: Record<string, string | undefined>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) {
      out += input[i];
      continue;
    }
    const next = input[i + 1];
    const close = next === '(' ? input.indexOf(')', i + 2) : -1;
    if (next === '$') out += '$';
    else if (close !== -1) {
      const name = input.slice(i + 2, close);
      out += env[name] ?? `$(${name})`;
      i = close - 1;
    } else out += `$${next}`;
    i += 1;
  }
  return out;
}
