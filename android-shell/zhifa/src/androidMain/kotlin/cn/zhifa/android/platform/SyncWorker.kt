// WorkManager's job for the periodic and connectivity syncs. It only asks the app's
// SyncScheduler (plain Kotlin, tested on the JVM) to run. When WorkManager stops the job,
// CoroutineWorker's onStopped cancels doWork's coroutine; UniFFI's Kotlin then drops the Rust
// future, so the sync stops at its next safe point (SyncFlowTest shows it) and the next run
// resumes with nothing lost. No sync().cancel() is needed here.
package cn.zhifa.android.platform

import android.content.Context
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.NetworkType
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import cn.zhifa.android.SyncDecision
import cn.zhifa.android.SyncScheduler
import cn.zhifa.android.SyncTrigger
import cn.zhifa.sdk.ZhifaException
import java.util.concurrent.TimeUnit

/** The Application that holds the store and its one scheduler. */
interface ZhifaHost {
    suspend fun syncScheduler(): SyncScheduler?
}

class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val scheduler = (applicationContext as ZhifaHost).syncScheduler() ?: return Result.success()
        return try {
            when (scheduler.request(SyncTrigger.PERIODIC)) {
                SyncDecision.NeedsEnrolment -> Result.failure()
                else -> Result.success() // ran, or not due yet: the next period asks again
            }
        } catch (e: ZhifaException.Network) {
            Result.retry()
        } catch (e: ZhifaException.RateLimited) {
            Result.retry()
        } catch (e: ZhifaException) {
            Result.success() // kept in the scheduler's status for the screen; retrying won't help
        }
    }

    companion object {
        private const val NAME = "zhifa-sync"

        /** Every 15 minutes while connected; the policy inside decides whether it is due. */
        fun schedule(context: Context) {
            val request = PeriodicWorkRequestBuilder<SyncWorker>(15, TimeUnit.MINUTES)
                .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
                .build()
            WorkManager.getInstance(context)
                .enqueueUniquePeriodicWork(NAME, ExistingPeriodicWorkPolicy.KEEP, request)
        }
    }
}
