/** A time chart (uPlot, loaded with the overview only), with its data as a table. */
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  values: number[];
  color: string;
}

/**
 * A time chart (uPlot on a canvas), with its data as a table for keyboards and screen readers.
 * `x` are unix seconds.
 */
export function TimeChart(props: {
  title: string;
  x: number[];
  series: ChartSeries[];
  bars?: boolean;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  // The table is built when it is opened: a closed one would only slow the first paint.
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 300),
      height: 220,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{ stroke: "#333" }, { stroke: "#333" }],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          ...(props.bars ? { fill: s.color, paths: uPlot.paths.bars!({ size: [0.8, 40] }) } : {}),
        })),
      ],
    };
    const plot = new uPlot(opts, [props.x, ...props.series.map((s) => s.values)], el);
    const observer = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(el.clientWidth, 300), height: 220 }),
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [props.x, props.series, props.bars]);
  return (
    <figure className="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <ul className="legend" aria-hidden="true">
        {props.series.map((s) => (
          <li key={s.label}>
            <span className="swatch" style={{ background: s.color }} /> {s.label}
          </li>
        ))}
      </ul>
      <div ref={box} aria-hidden="true" />
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>{props.title}: the data as a table</summary>
        {open ? (
          <div className="table-wrap">
            <table>
              <caption>{props.title}</caption>
              <thead>
                <tr>
                  <th scope="col">day (UTC)</th>
                  {props.series.map((s) => (
                    <th scope="col" key={s.label}>
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {props.x.map((t, i) => (
                  <tr key={t}>
                    <th scope="row">{new Date(t * 1000).toISOString().slice(0, 10)}</th>
                    {props.series.map((s) => (
                      <td key={s.label}>{s.values[i]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </details>
    </figure>
  );
}
