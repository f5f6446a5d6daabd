import { Scalar, type ScalarTag, type Tags } from 'yaml';

/**
 * Plain scalars that PyYAML (SkyPilot's parser, YAML 1.1) reads as booleans or integers where YAML 1.2 reads a
 * string or another number: `use_spot: on` is true there, `FLAG: no` is the env value 'False', `num_nodes: 0755`
 * is 493 and `1:30` is 90. Read the same way here so a SkyPilot file means the same thing. Only PyYAML's own
 * resolvers are copied (not the yaml package's 1.1 schema, which also takes `y`/`n` and reads `.` as NaN).
 */
const bool = (value: boolean, test: RegExp): ScalarTag => ({
  identify: (v) => v === value,
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test,
  resolve: () => new Scalar(value),
});

const int = (test: RegExp, parse: (text: string) => number): ScalarTag => ({
  identify: (v) => Number.isInteger(v),
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test,
  resolve: (text) => parse(text),
});

const signed = (text: string, parse: (digits: string) => number): number => {
  const sign = text.startsWith('-') ? -1 : 1;
  return sign * parse(text.replace(/^[-+]/, '').replace(/_/g, ''));
};

const PYYAML_TAGS: ScalarTag[] = [
  bool(true, /^(?:yes|Yes|YES|on|On|ON)$/),
  bool(false, /^(?:no|No|NO|off|Off|OFF)$/),
  int(/^[-+]?0b[01_]+$/, (t) => signed(t, (d) => parseInt(d.slice(2), 2))),
  int(/^[-+]?0[0-7_]+$/, (t) => signed(t, (d) => parseInt(d, 8))),
  int(/^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/, (t) => signed(t, (d) => d.split(':').reduce((acc, part) => acc * 60 + Number(part), 0))),
  int(/^[-+]?[1-9][0-9]*_[0-9_]*$/, (t) => signed(t, (d) => Number(d))),
];

/** For `parseAllDocuments(..., { customTags })`: PyYAML's readings first, then YAML 1.2's core schema. */
export function withPyyamlScalars(tags: Tags): Tags {
  return [...PYYAML_TAGS, ...tags];
}
