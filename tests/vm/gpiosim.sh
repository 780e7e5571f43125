# Sourced by the VM's init (busybox sh): create gpio-sim chips through
# configfs.  See Documentation/admin-guide/gpio/gpio-sim.rst.

GPIOSIM_CONFIGFS=/sys/kernel/config/gpio-sim

# gpiosim_device NAME BANK...   each BANK is LABEL:NUM_LINES:PREFIX; an empty
# LABEL keeps the kernel's default label, an empty PREFIX leaves the lines
# unnamed, else line K is named PREFIX<K>.  Prints the device's dev_name.
# A device that exists already (see gpiosim_reset) is only brought up.
gpiosim_device() {
	dev=$GPIOSIM_CONFIGFS/$1
	shift
	if [ -d "$dev" ]; then
		echo 1 >"$dev/live" && cat "$dev/dev_name"
		return
	fi
	mkdir "$dev" || return 1
	i=0
	for spec; do
		label=${spec%%:*}
		rest=${spec#*:}
		n=${rest%%:*}
		prefix=${rest#*:}
		bank=$dev/bank$i
		mkdir "$bank" && echo "$n" >"$bank/num_lines" || return 1
		if [ -n "$label" ]; then
			echo "$label" >"$bank/label" || return 1
		fi
		if [ -n "$prefix" ]; then
			k=0
			while [ "$k" -lt "$n" ]; do
				mkdir "$bank/line$k" &&
					echo "$prefix$k" >"$bank/line$k/name" || return 1
				k=$((k + 1))
			done
		fi
		i=$((i + 1))
	done
	echo 1 >"$dev/live" || return 1
	cat "$dev/dev_name"
}

# The rig's chips.  The plain chip is created first on purpose: it becomes
# gpiochip0, so code that takes pioA for gpiochip0 (or a bank's index for its
# chip number) fails here instead of on a board with another controller.
gpiosim_setup() {
	PINWATCH_VM_PLAIN_DEV=$(gpiosim_device plain :16:) &&
		PINWATCH_VM_ARIA_DEV=$(gpiosim_device aria-g25 \
			pioA:32:PA pioB:19:PB pioC:32:PC pioD:22:PD) || return 1
	export PINWATCH_VM_PLAIN_DEV PINWATCH_VM_ARIA_DEV
}

# Fresh chips for the next test step: every device down, then up again.
# gpio-sim then starts each line over (input, pulled down, unrequested, no
# sysfs export) whatever the last step left: a released output, for one,
# stays an output in the kernel and would show in the next step's gpioinfo.
# Device and chip numbers are allocated lowest-free, so they come back the
# same (the exported dev_names are refreshed all the same).
gpiosim_reset() {
	for dev in "$GPIOSIM_CONFIGFS"/*; do
		[ "$(cat "$dev/live" 2>/dev/null)" != 1 ] || echo 0 >"$dev/live" || return 1
	done
	gpiosim_setup
}
