// Jenkins shared library step: find the vApp a build deploys to (Cloud Director)
def call(String vcd, String token, String name) {
    def conn = new URL("https://${vcd}/api/query?type=vApp&format=records&filter=name==${name}").openConnection()
    conn.setRequestProperty('x-vcloud-authorization', token)
    conn.setRequestProperty('Accept', 'application/*+xml;version=31.0')
    def query = [type: 'adminVApp', format: 'records', filter: "name==${name}", pageSize: 10]
    def resp = httpRequest url: "https://${vcd}/api/query", customHeaders: [[name: 'x-vcloud-authorization', value: token]]
    return new XmlSlurper().parseText(conn.inputStream.text)
}
