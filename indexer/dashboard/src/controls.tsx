/**
 * The form controls the pages share: a labelled select, the chain select (the chains the indexer
 * follows), a UTC date-time input and a radio group. Each keeps its visible label, which is also how
 * assistive technology and the browser tests find it.
 */
import { useQuery } from "@tanstack/react-query";

import { readyQuery } from "./queries.js";

/** A select with an "any" first option; `onChange` gets "" for it. */
export function Choice(props: {
  label: string;
  name: string;
  value: string;
  any: string;
  options: readonly { value: string; text: string }[];
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {props.label}
      <select
        name={props.name}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      >
        <option value="">{props.any}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Options that show their own value. */
export const plainOptions = (values: readonly string[]) =>
  values.map((value) => ({ value, text: value }));

/** The chains the indexer follows ("" for all of them). */
export function ChainSelect(props: { value: string; onChange: (value: string) => void }) {
  const ready = useQuery(readyQuery);
  const chains = (ready.data?.chains ?? []).map((c) => String(c.chainId));
  return (
    <Choice
      label="Chain"
      name="chain"
      value={props.value}
      any="all chains"
      options={plainOptions(chains)}
      onChange={props.onChange}
    />
  );
}

/** A date and time typed in UTC, to the second (read with `parseUtc`). */
export function UtcInput(props: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {props.label}
      <input
        type="datetime-local"
        step={1}
        name={props.name}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

/** One choice among a few, as radio buttons under a legend. */
export function RadioGroup<V extends string>(props: {
  legend: string;
  name: string;
  value: V;
  options: readonly { value: V; text: string }[];
  onChange: (value: V) => void;
  className?: string;
}) {
  return (
    <fieldset className={props.className}>
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o.value}>
          <input
            type="radio"
            name={props.name}
            value={o.value}
            checked={props.value === o.value}
            onChange={() => props.onChange(o.value)}
          />{" "}
          {o.text}
        </label>
      ))}
    </fieldset>
  );
}

/** How a point in time (or a range's ends) is given: by block number or by date. */
export type PointBy = "block" | "time";

/** The block-or-date choice (radio buttons named "by"); `dateText` names the date option. */
export function BlockOrDate(props: {
  legend: string;
  value: PointBy;
  onChange: (by: PointBy) => void;
  dateText: string;
}) {
  const options = [
    { value: "block", text: "block" },
    { value: "time", text: props.dateText },
  ] as const;
  return <RadioGroup {...props} name="by" options={options} />;
}
