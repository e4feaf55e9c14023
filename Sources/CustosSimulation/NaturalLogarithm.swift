/// The natural logarithm of a positive finite `x`, without Foundation (argument reduction plus an atanh series).
func naturalLog(_ x: Double) -> Double {
    var m = x
    var exponent = 0.0
    while m > 2 {
        m /= 2
        exponent += 1
    }
    while m < 1 {
        m *= 2
        exponent -= 1
    }
    let y = (m - 1) / (m + 1)
    let y2 = y * y
    var term = y
    var sum = 0.0
    var k = 1.0
    while k < 60 {
        sum += term / k
        term *= y2
        k += 2
    }
    return 2 * sum + exponent * 0.693_147_180_559_945_3
}
