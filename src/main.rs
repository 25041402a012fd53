fn main() {
    println!("prospect");
}
