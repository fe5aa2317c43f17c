package io.sockmap4j.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run as a picture: for every row that has a baseline, a bar of its median over the baseline's
 * median (1.0 = as fast as the baseline), with a whisker from its slowest to its fastest run, rows
 * grouped by cell. A hand-written SVG: a few rectangles and lines do not need a charting library.
 */
final class SvgChart {
  private static final int WIDTH = 960;
  private static final int LABEL = 300;
  private static final int PLOT = 560;
  private static final int ROW = 18;
  private static final Map<String, String> COLOURS =
      Map.of(
          "direct", "#7f7f7f",
          "nio-proxy", "#1f77b4",
          "splice", "#d62728",
          "splice-clang", "#e377c2",
          "splice-parser", "#ff7f0e",
          "loopback", "#2ca02c",
          "bypass", "#9467bd",
          "sockops-bypass", "#17becf");

  private SvgChart() {}

  static String render(Report report) {
    List<Row> rows = new ArrayList<>();
    double max = 2;
    for (Row row : report.rows) {
      double ratio = report.ratio(row, row.baseline());
      if (!Double.isNaN(ratio)) {
        rows.add(row);
        double base = report.find(row, row.baseline()).orElseThrow().value().median();
        max = Math.max(max, row.value().max() / base);
      }
    }
    max *= 1.1;
    List<String> body = new ArrayList<>();
    int y = 60;
    Row previous = null;
    for (Row row : rows) {
      if (previous == null || !previous.sameCell(row)) {
        y += 8;
        body.add(
            text(
                10,
                y + 12,
                row.cell() + " (" + row.unit() + ", base " + row.baseline() + ")",
                "bold"));
        y += ROW;
      }
      double base = report.find(row, row.baseline()).orElseThrow().value().median();
      Stats v = row.value();
      double ratio = v.median() / base;
      body.add(text(LABEL - 8, y + 12, row.variant(), "end"));
      body.add(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
              LABEL,
              y + 2,
              x(ratio, max) - LABEL,
              ROW - 4,
              COLOURS.getOrDefault(row.variant(), "#8c564b")));
      body.add(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"black\"/>",
              x(v.min() / base, max),
              x(v.max() / base, max),
              y + ROW / 2,
              y + ROW / 2));
      body.add(
          text(
              (int) x(v.max() / base, max) + 6,
              y + 13,
              String.format(
                  Locale.ROOT, "%.2fx  (%s %s)", ratio, Report.number(v.median()), row.unit()),
              "start"));
      y += ROW;
      previous = row;
    }
    int height = y + 30;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH, height));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(text(10, 20, report.title(), "title")).append('\n');
    s.append(
            text(
                10,
                40,
                "bar: median / baseline median in the same run (higher is better);"
                    + " whisker: slowest to fastest run",
                "start"))
        .append('\n');
    double one = x(1, max);
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"50\" y2=\"%d\" stroke=\"#444\""
                + " stroke-dasharray=\"4 3\"/>%n",
            one,
            one,
            y));
    s.append(text((int) one + 3, 58, "1.0 = baseline", "start")).append('\n');
    body.forEach(line -> s.append(line).append('\n'));
    return s.append("</svg>\n").toString();
  }

  private static double x(double ratio, double max) {
    return LABEL + Math.max(0, ratio) / max * PLOT;
  }

  private static String text(int x, int y, String text, String style) {
    String attributes =
        switch (style) {
          case "title" -> " font-size=\"14\" font-weight=\"bold\"";
          case "bold" -> " font-weight=\"bold\"";
          case "end" -> " text-anchor=\"end\"";
          default -> "";
        };
    return String.format("<text x=\"%d\" y=\"%d\"%s>%s</text>", x, y, attributes, escape(text));
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
