import DMSCore
import Foundation

/// A small price chart drawn on the server as SVG (no script, no chart library): for each period,
/// the range of validated prices (min–max bar) and the median (a point on a line). Facts over
/// time, nothing ranked or coloured as good or bad.
enum PriceChart {
    struct Point {
        let period: String
        let min: Double
        let max: Double
        let median: Double
        let count: Int
    }

    static func svg(_ rows: [StatsRow], unit: String) -> String? {
        let points = rows.map {
            Point(period: $0.period, min: Self.double($0.min), max: Self.double($0.max), median: Self.double($0.median), count: $0.count)
        }
        guard !points.isEmpty else { return nil }
        let width = 640.0, height = 260.0, left = 72.0, right = 16.0, top = 16.0, bottom = 48.0
        let low = points.map(\.min).min()!, high = points.map(\.max).max()!
        let span = high > low ? high - low : max(1, high * 0.1)
        let floor = max(0, low - span * 0.1), ceiling = high + span * 0.1
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let step = plotWidth / Double(points.count)
        func x(_ index: Int) -> Double { left + step * (Double(index) + 0.5) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - floor) / (ceiling - floor)) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" class="chart" \
            aria-label="Prix validés par période, en \(Self.escape(unit)) : médiane (points) et écart du minimum au maximum (barres)">
            <rect x="\(left)" y="\(top)" width="\(plotWidth)" height="\(plotHeight)" fill="none" stroke="#c9ced6"/>
            """
        for tick in 0...4 {
            let value = floor + (ceiling - floor) * Double(tick) / 4
            let position = Self.fixed(y(value))
            svg += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(position)\" y2=\"\(position)\" stroke=\"#eceff3\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(position)\" text-anchor=\"end\" dominant-baseline=\"middle\" font-size=\"11\">\(Self.escape(Self.label(value)))</text>"
        }
        let labelEvery = max(1, points.count / 8)
        var path = ""
        for (index, point) in points.enumerated() {
            let cx = Self.fixed(x(index))
            svg += "<line x1=\"\(cx)\" x2=\"\(cx)\" y1=\"\(Self.fixed(y(point.min)))\" y2=\"\(Self.fixed(y(point.max)))\" stroke=\"#8a94a6\" stroke-width=\"6\" stroke-linecap=\"round\" opacity=\"0.5\"/>"
            svg += "<circle cx=\"\(cx)\" cy=\"\(Self.fixed(y(point.median)))\" r=\"4\" fill=\"#1f4e79\"><title>\(Self.escape(point.period)) : médiane \(Self.escape(Self.label(point.median))), \(point.count) relevé(s), de \(Self.escape(Self.label(point.min))) à \(Self.escape(Self.label(point.max)))</title></circle>"
            path += (index == 0 ? "M" : "L") + "\(cx) \(Self.fixed(y(point.median))) "
            if index % labelEvery == 0 {
                svg += "<text x=\"\(cx)\" y=\"\(height - bottom + 18)\" text-anchor=\"middle\" font-size=\"11\">\(Self.escape(point.period))</text>"
            }
        }
        if points.count > 1 { svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"2\"/>" }
        svg += "<text x=\"\(left)\" y=\"\(height - 8)\" font-size=\"11\">Médiane (points reliés) et écart minimum–maximum (barres), FCFA par \(Self.escape(unit))</text>"
        return svg + "</svg>"
    }

    static func double(_ value: Decimal) -> Double { NSDecimalNumber(decimal: value).doubleValue }

    static func fixed(_ value: Double) -> String { String(format: "%.1f", value) }

    static func label(_ value: Double) -> String {
        WebFormat.grouped(Decimal(string: String(format: "%.2f", value)) ?? 0)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
