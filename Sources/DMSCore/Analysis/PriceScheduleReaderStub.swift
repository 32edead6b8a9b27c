// TEMPORARY until the reader lands (helper branch price-lines): reads nothing.
public enum PriceScheduleReader {
    public static func read(_ document: DocumentText) -> [PriceLine] { [] }
}
