/// How messages name a file the user gave: `-` reads standard input and is called so.
public enum InputName {
    public static func shown(_ file: String) -> String { file == "-" ? "standard input" : file }
}
