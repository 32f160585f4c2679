package io.kilowatch.core.carbon.report;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The carbon report as CSV: one row per line of every table, the same rounded figures as the JSON. */
public final class CarbonReportCsv {
    private static final String HEADER = "section,name,"
            + Arrays.stream(ReportColumn.values()).map(ReportColumn::key).collect(Collectors.joining(","));

    private CarbonReportCsv() {
    }

    public static String of(CarbonReport report) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        row(out, "total", report.totals().name(), report.totals().figures());
        for (CarbonReport.OrgRow org : report.byOrg()) {
            row(out, "org", org.org(), org.total());
            row(out, "org_own", org.org(), org.own());
            row(out, "org_shared", org.org(), org.shared());
        }
        for (CarbonReport.SharedService s : report.sharedServices()) {
            row(out, "shared_service", s.org(), s.total());
            for (CarbonReport.Part part : s.partners()) {
                row(out, "shared_part", s.org() + " -> " + part.partner(), part.figures());
            }
        }
        report.bySite().forEach(r -> row(out, "site", r.name(), r.figures()));
        report.byClass().forEach(r -> row(out, "class", r.name(), r.figures()));
        report.target().ifPresent(t -> out.append("target,").append(cell("status " + t.status().key() + "; target_kg " + t.targetKg()
                + "; actual_kg " + t.actualKg() + "; baseline " + t.baselineKg() + " kg in " + t.baselineYear() + ", "
                + t.baselineSource())).append('\n'));
        report.method().forEach(note -> out.append("method,").append(cell(note)).append('\n'));
        report.factorSources().forEach(source -> out.append("factor_source,").append(cell(source)).append('\n'));
        return out.toString();
    }

    /** Figures as the JSON carries them (doubles), so a spreadsheet reads 14.0 where the JSON says 14.0, not 14.000. */
    private static void row(StringBuilder out, String section, String name, ReportFigures figures) {
        out.append(section).append(',').append(cell(name));
        for (ReportColumn column : ReportColumn.values()) {
            out.append(',').append(BigDecimal.valueOf(figures.get(column).doubleValue()).toPlainString());
        }
        out.append('\n');
    }

    /** A CSV field, quoted, with a leading formula character neutralised so a spreadsheet never runs a label. */
    public static String cell(String text) {
        String safe = !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
        return '"' + safe.replace("\"", "\"\"") + '"';
    }
}
