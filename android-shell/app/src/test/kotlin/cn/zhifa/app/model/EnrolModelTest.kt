package cn.zhifa.app.model

import cn.zhifa.testing.Officers
import cn.zhifa.testing.TestServer
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnrolModelTest {
    private val server = TestServer()

    @AfterAll
    fun stop() = server.close()

    @Test
    fun `checks the form before asking the server`() = runBlocking {
        val model = EnrolModel(server.newStore().sync())
        assertFalse(model.enrol())
        assertEquals(Texts.ENROL_NEED_SERVER, model.state.value.message)
        model.setServerUrl("zfjd.example.gov.cn")
        assertFalse(model.enrol())
        assertEquals(Texts.ENROL_BAD_SERVER, model.state.value.message)
        model.setServerUrl(server.url)
        assertFalse(model.enrol())
        assertEquals(Texts.ENROL_NEED_CODE, model.state.value.message)
    }

    @Test
    fun `enrols with the administrator's code, and shows it on the next open`() = runBlocking {
        val store = server.newStore()
        val model = EnrolModel(store.sync(), server.url, "测试机")
        model.setCode(" " + server.enrolmentCode(Officers.A) + " ")
        assertTrue(model.enrol())
        val state = model.state.value
        assertEquals(Officers.A, state.enrolment?.subject)
        assertEquals("", state.code, "the one-time code is cleared")
        assertTrue(state.message!!.startsWith("已登记：${Officers.A}"), state.message)
        val reopened = EnrolModel(store.sync())
        reopened.load()
        assertNotNull(reopened.state.value.enrolment)
    }

    @Test
    fun `a refused code shows the server's reason in zh-CN`() = runBlocking {
        val model = EnrolModel(server.newStore().sync(), server.url)
        model.setCode("AAAA-BBBB-CCCC")
        assertFalse(model.enrol())
        val message = model.state.value.message!!
        assertTrue(message.any { it.code in 0x4E00..0x9FFF } && message != Texts.ENROL_BUSY, message)
        assertFalse(model.state.value.busy)
    }
}
