import BenchBLAS
import BuigCore
import BuigEngine

let n: Int32 = 4
var a = [Double](repeating: 1, count: 16)
var c = [Double](repeating: 0, count: 16)
cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, a, n, 0, &c, n)
openblas_set_num_threads(1)
print(c[0], BLASInfo.coreName, BLASInfo.configuration)
