// The start-up floor of `npm run bench`: what node takes to start, find, read and run a script
// file that does nothing. tsipvsadm is such a file plus its own work.
