/**
 * A dynamic provider whose "cloud" is a file, or nothing: with `sourceFile` it writes the declared
 * `value` there on create and its read returns the file's text (so a test can change the cloud behind Pulumi's back); without it the
 * resource owns nothing and reads back unchanged (the benchmark's filler). Loaded in the engine's
 * provider host through components/local/dynamic.ts `ModuleResource`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";

interface Props {
  readonly index: number;
  readonly sourceFile?: string;
  readonly value?: string;
}

/** What the "cloud" holds: the file's text for a file-backed resource. */
const current = (props: Props): Props => (props.sourceFile ? { ...props, value: readFileSync(props.sourceFile, "utf8") } : props);

export const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Props) {
    if (inputs.sourceFile && inputs.value !== undefined) writeFileSync(inputs.sourceFile, inputs.value);
    return { id: `file-${inputs.index}`, outs: current(inputs) };
  },
  async read(id: string, props: Props) {
    return { id, props: current(props) };
  },
  async diff(_id: string, olds: Props, news: Props) {
    // The engine asks this on refresh too (refreshed state vs. declared inputs): `value` is
    // declared only for file-backed resources, so filler resources never differ.
    const keys = ["index", "sourceFile", ...(news.sourceFile ? ["value"] : [])] as const;
    return { changes: keys.some((key) => olds[key as keyof Props] !== news[key as keyof Props]) };
  },
  async update(_id: string, _olds: Props, news: Props) {
    if (news.sourceFile && news.value !== undefined) writeFileSync(news.sourceFile, news.value);
    return { outs: current(news) };
  },
  async delete() {},
};
